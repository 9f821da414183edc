"""`terun schedule export` checked by real tools: every Kubernetes manifest against the
Kubernetes schemas (kubernetes-validate, offline, strict), every systemd unit by
`systemd-analyze verify` and `systemd-analyze security --offline=yes` (exposure at most
EXPOSURE_LIMIT, i.e. "OK" or better), and the per-job warnings on stderr."""

import re
import shutil
import subprocess

import pytest
import yaml

from schedule_support import run_terun

kubernetes_validate = pytest.importorskip("kubernetes_validate")

SCHEDULE = """\
jobs:
  - name: nightly
    runbook: ./report.lua
    params: { label: "nightly" }
    cron: "0 2 * * *"
    timezone: America/New_York
    timeout: 10m
    max_memory: 256MiB
    retries: 2
    retry_delay: 30s
    on_failure: { webhook: "https://hooks.example.com/terun" }
    keep: 10
    out_dir: /srv/terun/nightly
  - name: hourly
    runbook: hello
    params: { name: ops }
    cron: "@hourly"
"""

# Kubernetes versions the manifests must validate against (CronJob.timeZone is GA in 1.27,
# podFailurePolicy in 1.31).
KUBERNETES_VERSIONS = ["1.31.0", "1.33.0"]
EXPOSURE_LIMIT = 2.0


@pytest.fixture
def schedule(workdir):
    path = workdir / "schedule.yaml"
    path.write_text(SCHEDULE)
    return path


def export(terun_bin, workdir, target, *extra, check=0):
    out = workdir / f"out-{target}"
    out.mkdir(exist_ok=True)
    result = run_terun(
        terun_bin,
        ["schedule", "export", "schedule.yaml", "--to", target, "--out", str(out),
         "--schedule-path", "/etc/terun/schedule.yaml", *extra],
        workdir, check=check)
    return out, result


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("pvc", [None, "terun-outputs"])
def test_kubernetes_manifests_validate_against_the_schemas(terun_bin, workdir, schedule, version, pvc):
    extra = ["--pvc", pvc] if pvc else []
    out, result = export(terun_bin, workdir, "kubernetes", *extra)
    documents = [d for d in yaml.safe_load_all((out / "terun-cronjobs.yaml").read_text()) if d]
    assert [d["metadata"]["name"] for d in documents] == ["terun-nightly", "terun-hourly"]
    for document in documents:
        kubernetes_validate.validate(document, version, strict=True)
        pod = document["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        container = pod["containers"][0]
        assert re.fullmatch(r"terun:\d+\.\d+\.\d+", container["image"]), container["image"]
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        assert not any("TOKEN" in e["name"] for e in container.get("env", []))
        assert container["args"][-2:] == ["--token-file", "/var/run/secrets/terun/token"]
        volume = next(v for v in pod["volumes"] if v["name"] == "out")
        if pvc:
            assert volume["persistentVolumeClaim"] == {"claimName": pvc}
        else:
            assert volume["emptyDir"] == {}
    warnings = result.stderr.splitlines()
    assert "terun: warning: job nightly: on_failure: not exported: a CronJob cannot notify; alert on failed Jobs instead (kube_job_failed)" in warnings
    assert any(w.startswith("terun: warning: job nightly: keep: not exported") for w in warnings)
    assert any(w.startswith("terun: warning: job nightly: runbook: ./report.lua must exist") for w in warnings)
    empty_dir = [w for w in warnings if "emptyDir" in w]
    assert len(empty_dir) == (0 if pvc else 2), warnings


def test_kubernetes_refuses_latest(terun_bin, workdir, schedule):
    _, result = export(terun_bin, workdir, "kubernetes", "--image", "terun:latest", check=2)
    assert "--image terun:latest is not pinned" in result.stderr
    assert not (workdir / "out-kubernetes" / "terun-cronjobs.yaml").exists()


def analyze():
    path = shutil.which("systemd-analyze")
    if not path:
        pytest.skip("systemd-analyze is not installed")
    return path


def exposure(service):
    result = subprocess.run(
        [analyze(), "security", "--offline=yes", "--no-pager", str(service)],
        capture_output=True, text=True, timeout=60)
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout + result.stderr)
    assert match, result.stdout + result.stderr
    return float(match.group(1))


def test_systemd_units_verify_and_score_ok(terun_bin, workdir, schedule):
    # verify checks that ExecStart's binary exists: point it at one that does.
    out, result = export(terun_bin, workdir, "systemd", "--terun-path", "/bin/true")
    units = sorted(out.iterdir())
    assert [u.name for u in units] == [
        "terun-hourly.service", "terun-hourly.timer", "terun-nightly.service", "terun-nightly.timer"]
    verify = subprocess.run([analyze(), "verify", *map(str, units)], capture_output=True, text=True, timeout=60)
    ours = [line for line in (verify.stdout + verify.stderr).splitlines() if "terun-" in line]
    assert ours == [] and verify.returncode == 0, verify.stdout + verify.stderr
    for service in [u for u in units if u.suffix == ".service"]:
        text = service.read_text()
        for line in ["DynamicUser=yes", "StateDirectory=terun", "ProtectSystem=strict", "ProtectHome=yes",
                     "PrivateTmp=yes", "NoNewPrivileges=yes", "LoadCredential=te-token:/etc/terun/token"]:
            assert f"\n{line}\n" in text, (service.name, line)
        assert "EnvironmentFile" not in text
        score = exposure(service)
        print(f"{service.name}: exposure {score}")
        assert score <= EXPOSURE_LIMIT, (service.name, score)
    nightly = (out / "terun-nightly.service").read_text()
    assert [l for l in nightly.splitlines() if l.startswith("ReadWritePaths=")] == ["ReadWritePaths=/srv/terun/nightly"]
    assert "ReadWritePaths" not in (out / "terun-hourly.service").read_text()


def test_cron_warns_about_cron_tz_per_job(terun_bin, workdir, schedule):
    utc = run_terun(terun_bin, ["schedule", "export", "schedule.yaml", "--to", "cron"], workdir, check=0,
                    env_extra={"TZ": "UTC"})
    warnings = [w for w in utc.stderr.splitlines() if "CRON_TZ" in w]
    assert warnings == [
        "terun: warning: job nightly: timezone: Debian's cron ignores CRON_TZ: there this job runs at '0 2 * * *'"
        " in the machine's zone (UTC), not America/New_York; cronie and busybox crond honour it"]
    assert "CRON_TZ=America/New_York\n" in utc.stdout
    # On a machine in New York it is the UTC job that runs off its zone.
    new_york = run_terun(terun_bin, ["schedule", "export", "schedule.yaml", "--to", "cron"], workdir, check=0,
                         env_extra={"TZ": "America/New_York"})
    assert [w.split(":")[2].strip() for w in new_york.stderr.splitlines() if "CRON_TZ" in w] == ["job hourly"]


@pytest.mark.parametrize("char", ["\n", "\r", "\t", "\x00", "\x1b", "\x7f", "\x85", "\u2028"])
@pytest.mark.parametrize("field", ["runbook", "name", "param-value", "param-key", "timezone", "cron"])
def test_control_characters_never_reach_an_export(terun_bin, workdir, field, char):
    job = {"name": "nightly", "runbook": "hello", "cron": "0 2 * * *", "params": {"name": "ops"}}
    injected = f"x{char}ExecStartPre=/bin/sh -c evil"
    if field == "param-value":
        job["params"]["name"] = injected
    elif field == "param-key":
        job["params"] = {injected: "ops"}
    else:
        job[field] = injected
    (workdir / "schedule.yaml").write_text(yaml.safe_dump({"jobs": [job]}, allow_unicode=False))
    label = "jobs[0]" if field == "name" else "nightly"
    shown = {"param-value": "params.name", "param-key": "params"}.get(field, field)
    code = f"U+{ord(char):04X}"
    validate = run_terun(terun_bin, ["schedule", "validate", "schedule.yaml"], workdir, check=2)
    assert f"job {label}: {shown}: contains the control character {code}" in validate.stderr, validate.stderr
    # The report shows no raw control character and no forged line.
    assert not any(c in validate.stderr for c in [char] if c != "\n")
    assert validate.stderr.count("\n") == 2 and "\nExecStartPre" not in validate.stderr
    for target in ["systemd", "cron", "kubernetes"]:
        out = workdir / f"out-{target}"
        out.mkdir(exist_ok=True)
        result = run_terun(terun_bin, ["schedule", "export", "schedule.yaml", "--to", target, "--out", str(out)],
                           workdir, check=2)
        assert list(out.iterdir()) == []
        assert result.stdout == ""


def test_export_messages_and_listings_show_control_characters_escaped(terun_bin, workdir, schedule):
    odd = workdir / "out\nput"
    odd.mkdir()
    result = run_terun(terun_bin, ["schedule", "export", "schedule.yaml", "--to", "cron", "--out", str(odd)],
                       workdir, check=0)
    assert result.stdout == str(workdir) + "/out\\u{A}put/terun.crontab\n"
    assert (odd / "terun.crontab").exists()
    bad = run_terun(terun_bin, ["schedule", "export", "schedule.yaml", "--to", "cron\r\x1b[2J"], workdir, check=2)
    assert "got 'cron\\u{D}\\u{1B}[2J'" in bad.stderr and "\x1b" not in bad.stderr
    missing = run_terun(terun_bin, ["schedule", "export", "schedule.yaml", "--to", "cron", "--out", "no\nwhere"],
                        workdir, check=2)
    assert "--out no\\u{A}where: no such folder" in missing.stderr
    refused = run_terun(terun_bin, ["schedule", "export", "schedule.yaml", "--to", "systemd",
                                    "--schedule-path", "/etc/terun/s.yaml\nExecStartPre=/bin/sh"], workdir, check=2)
    assert refused.stdout == ""
    assert "--schedule-path '/etc/terun/s.yaml\\u{A}ExecStartPre=/bin/sh' contains the control character U+000A" in refused.stderr
