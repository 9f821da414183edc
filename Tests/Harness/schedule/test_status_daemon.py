"""`terun schedule serve --listen`: /metrics parsed by the real Prometheus text parser
(prometheus_client), the status page opened in headless Chromium (a screenshot that is not
blank, and the rendered DOM listing every job), /healthz, run now behind its token, and
`terun schedule logs`."""

import io
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from schedule_support import run_terun

parser = pytest.importorskip("prometheus_client.parser")

SCHEDULE = """\
jobs:
  - name: report-daily
    runbook: ./report.lua
    params: { label: "<b>bold</b>" }
    cron: "0 2 * * *"
    timezone: Europe/Berlin
  - name: always-fails
    runbook: ./fail.lua
    cron: "30 3 * * *"
    retries: 1
    retry_delay: 1s
"""


class Daemon:
    def __init__(self, terun_bin, workdir, *extra):
        env = dict(os.environ)
        env["TERUN_STATE_DIR"] = str(workdir / "state")
        self.stderr = open(workdir / "daemon.log", "w+")
        self.process = subprocess.Popen(
            [terun_bin, "schedule", "serve", "schedule.yaml", "--listen", "127.0.0.1:0", *extra],
            cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=self.stderr)
        deadline = time.time() + 60
        self.base = None
        while time.time() < deadline and self.base is None:
            self.stderr.seek(0)
            match = re.search(r"status page on (http://127\.0\.0\.1:\d+)/", self.stderr.read())
            if match:
                self.base = match.group(1)
            elif self.process.poll() is not None:
                break
            else:
                time.sleep(0.1)
        if self.base is None:
            self.stop()
            self.stderr.seek(0)
            raise AssertionError("the daemon did not start: " + self.stderr.read())

    def get(self, path):
        with urllib.request.urlopen(self.base + path, timeout=10) as response:
            return response.status, response.headers, response.read().decode()

    def post(self, path, data):
        request = urllib.request.Request(self.base + path, data=data.encode(), method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.stderr.close()


@pytest.fixture
def populated(terun_bin, workdir):
    """A schedule whose jobs each ran through `terun schedule run`, as the daemon would."""
    (workdir / "schedule.yaml").write_text(SCHEDULE)
    for _ in range(3):
        run_terun(terun_bin, ["schedule", "run", "schedule.yaml", "--job", "report-daily"], workdir, check=0)
    failed = run_terun(terun_bin, ["schedule", "run", "schedule.yaml", "--job", "always-fails"], workdir, check=1)
    assert "try 2" in failed.stdout, failed.stdout
    return workdir


@pytest.fixture
def daemon(terun_bin, populated):
    served = Daemon(terun_bin, populated)
    yield served
    served.stop()


def test_metrics_parse_with_the_prometheus_parser(daemon):
    status, headers, body = daemon.get("/metrics")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
    families = {f.name: f for f in parser.text_string_to_metric_families(body)}
    runs = families["terun_schedule_runs"]
    assert runs.type == "counter"
    outcomes = {(s.labels["job"], s.labels["outcome"]) for s in runs.samples if s.name == "terun_schedule_runs_total"}
    assert ("report-daily", "ok") in outcomes and ("always-fails", "failed") in outcomes
    assert families["terun_schedule_retries"].type == "counter"
    for name in ["terun_schedule_last_run_duration_seconds", "terun_schedule_last_success_timestamp_seconds",
                 "terun_schedule_next_run_timestamp_seconds"]:
        assert families[name].type == "gauge", name
    successes = {s.labels["job"]: s.value for s in families["terun_schedule_last_success_timestamp_seconds"].samples}
    assert abs(successes["report-daily"] - time.time()) < 600
    next_runs = {s.labels["job"]: s.value for s in families["terun_schedule_next_run_timestamp_seconds"].samples}
    assert set(next_runs) == {"report-daily", "always-fails"}
    assert all(v > time.time() for v in next_runs.values())


def test_healthz_and_read_only_by_default(daemon):
    assert daemon.get("/healthz")[2] == "ok\n"
    status, _, page = daemon.get("/")
    assert "Run now" not in page
    assert daemon.post("/jobs/report-daily/run", "token=x")[0] == 403


def chromium():
    for name in ["chromium", "chromium-browser", "google-chrome"]:
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("chromium is not installed")


def headless(args, tmp_path):
    return subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={tmp_path / 'chromium-profile'}", "--disable-dev-shm-usage", *args],
        capture_output=True, text=True, timeout=120)


def test_status_page_in_a_headless_browser(daemon, tmp_path):
    image = pytest.importorskip("PIL.Image")
    shot = tmp_path / "status.png"
    # A phone-sized window. The page has no script (and its CSP would block one).
    result = headless([f"--screenshot={shot}", "--window-size=412,915", daemon.base + "/"], tmp_path)
    assert shot.exists(), result.stderr
    picture = image.open(shot).convert("RGB")
    assert picture.size == (412, 915)
    colours = picture.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 20, "the screenshot is blank"
    # The outcome badges are coloured: the green of ok and the red of failed are on the page.
    pixels = {colour for _, colour in colours}
    assert (0x1A, 0x7F, 0x37) in pixels and (0xCF, 0x22, 0x2E) in pixels

    dom = headless(["--dump-dom", daemon.base + "/"], tmp_path).stdout
    for job in ["report-daily", "always-fails"]:
        assert f'id="job-{job}"' in dom
    assert "0 2 * * *" in dom and "Europe/Berlin" in dom
    assert "<b>bold</b>" not in dom and "&lt;b&gt;bold&lt;/b&gt;" in dom
    assert "<script" not in dom
    assert "<svg" in dom and "polyline" in dom, "the sparkline of recent durations"
    assert re.search(r'href="/runs/\d+/log"', dom) and "report.csv" in dom


def test_log_and_output_links_serve_the_files(daemon):
    _, _, page = daemon.get("/")
    log_link = re.search(r'href="(/runs/\d+/log)"', page).group(1)
    file_link = re.search(r'href="(/runs/\d+/file\?path=report\.csv)"', page).group(1)
    assert "wrote report.csv" in daemon.get(log_link)[2]
    assert daemon.get(file_link)[2] == "label\n<b>bold</b>\n"
    assert daemon.get(file_link)[1]["Content-Type"] == "text/plain; charset=utf-8"


def test_run_now_needs_the_token(terun_bin, populated):
    token_file = populated / "ui-token"
    token_file.write_text("correct-horse-battery-staple\n")
    refused = run_terun(terun_bin, ["schedule", "serve", "schedule.yaml", "--listen", "127.0.0.1:0",
                                    "--allow-trigger"], populated, check=2)
    assert "--allow-trigger needs --ui-token-file" in refused.stderr
    short = populated / "short-token"
    short.write_text("hunter2\n")
    weak = run_terun(terun_bin, ["schedule", "serve", "schedule.yaml", "--listen", "127.0.0.1:0", "--allow-trigger",
                                 "--ui-token-file", str(short)], populated, check=2)
    assert "the token must be one line of at least 16 printable characters" in weak.stderr
    assert "hunter2" not in weak.stderr
    served = Daemon(terun_bin, populated, "--allow-trigger", "--ui-token-file", str(token_file))
    try:
        page = served.get("/")[2]
        assert "Run now" in page and "correct-horse" not in page
        assert served.post("/jobs/report-daily/run", "token=wrong") == (403, "run now refused: wrong or missing token\n")
        status, body = served.post("/jobs/report-daily/run", "token=correct-horse-battery-staple")
        assert status == 200 and "started" in body  # urllib follows the 303 to the page
        history = run_terun(terun_bin, ["schedule", "history", "--job", "report-daily"], populated, check=0)
        assert "manual" in history.stdout
    finally:
        served.stop()


def test_schedule_logs_prints_a_runs_log(terun_bin, populated):
    latest = run_terun(terun_bin, ["schedule", "logs", "report-daily"], populated, check=0)
    assert latest.stdout == "wrote report.csv\n"
    history = run_terun(terun_bin, ["schedule", "history", "--job", "always-fails"], populated, check=0)
    first_id = history.stdout.splitlines()[-1].split()[0].lstrip("#")
    chosen = run_terun(terun_bin, ["schedule", "logs", "always-fails", "--run", first_id], populated, check=0)
    assert "boom" in chosen.stdout
    wrong = run_terun(terun_bin, ["schedule", "logs", "report-daily", "--run", first_id], populated, check=2)
    assert f"no run {first_id} of job 'report-daily' in the history" in wrong.stderr
    followed = run_terun(terun_bin, ["schedule", "logs", "report-daily", "--follow"], populated, check=0)
    assert followed.stdout == "wrote report.csv\n"


def test_logs_follow_streams_a_running_run_until_it_ends(terun_bin, workdir):
    (workdir / "schedule.yaml").write_text('jobs:\n  - { name: slow, runbook: slow, cron: "@daily" }\n')
    fake = workdir / "fake-terun"
    fake.write_text("#!/bin/sh\necho one\nsleep 2\necho two\n")
    fake.chmod(0o755)
    env = dict(os.environ, TERUN_STATE_DIR=str(workdir / "state"))
    running = subprocess.Popen(
        [terun_bin, "schedule", "run", "schedule.yaml", "--job", "slow", "--terun", str(fake)],
        cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=open(workdir / "run.log", "w"))
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            history = run_terun(terun_bin, ["schedule", "history", "--job", "slow"], workdir)
            if " running " in history.stdout:
                break
            time.sleep(0.1)
        assert " running " in history.stdout, (history.stdout, (workdir / "run.log").read_text())
        followed = run_terun(terun_bin, ["schedule", "logs", "slow", "--follow"], workdir, check=0)
        assert followed.stdout == "one\ntwo\n"
    finally:
        running.wait(timeout=30)


def test_a_bare_port_binds_loopback(terun_bin, populated):
    env = dict(os.environ, TERUN_STATE_DIR=str(populated / "state"))
    process = subprocess.Popen(
        [terun_bin, "schedule", "serve", "schedule.yaml", "--listen", "0"],
        cwd=populated, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        line = ""
        deadline = time.time() + 60
        while time.time() < deadline and "status page on" not in line:
            line = process.stderr.readline()
        assert re.search(r"status page on http://127\.0\.0\.1:\d+/ \(read-only\)", line), line
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    bad = run_terun(terun_bin, ["schedule", "serve", "schedule.yaml", "--listen", "localhost:http"], populated, check=2)
    assert "--listen localhost:http: expected HOST:PORT or PORT, like 127.0.0.1:9464" in bad.stderr


def test_history_shows_a_runs_plan_line_without_raw_control_characters(terun_bin, workdir):
    (workdir / "schedule.yaml").write_text('jobs:\n  - { name: sneaky, runbook: sneaky, cron: "@daily" }\n')
    fake = workdir / "fake-terun"
    fake.write_text("#!/bin/sh\nprintf 'Plan: 1 to add\\033[2J\\033]0;owned\\007\\n'\n")
    fake.chmod(0o755)
    run_terun(terun_bin, ["schedule", "run", "schedule.yaml", "--job", "sneaky", "--terun", str(fake)], workdir, check=0)
    history = run_terun(terun_bin, ["schedule", "history"], workdir, check=0)
    assert "\x1b" not in history.stdout and "\x07" not in history.stdout
    assert '"Plan: 1 to add\\u{1B}[2J\\u{1B}]0;owned\\u{7}"' in history.stdout


def test_job_names_from_the_command_line_are_shown_escaped(terun_bin, populated):
    logs = run_terun(terun_bin, ["schedule", "logs", "x\ny\x1b[2J"], populated, check=2)
    assert "no run of job 'x\\u{A}y\\u{1B}[2J' with a log" in logs.stderr and "\x1b" not in logs.stderr
    run = run_terun(terun_bin, ["schedule", "run", "schedule.yaml", "--job", "x\ry"], populated, check=2)
    assert "no job named 'x\\u{D}y' in schedule.yaml" in run.stderr
