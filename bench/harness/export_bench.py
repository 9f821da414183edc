"""Export benchmark: (a) terun export_latency, (b) the guide's script, (c) the official SDK
and (d) curl over the same pages, against one standalone simulator; then peak RSS of (a) as
the window grows.

Every tool's CSV must equal (a)'s byte for byte (curl's pages must all be 200 and add up to
the bytes of the walk) before any timing counts, and again after every timed run.
"""

import filecmp
import os
from datetime import datetime, timedelta, timezone

from measure import CommandFailed, run_measured, summarize
from simulator import Simulator

TEST_ID = 123456
INTERVAL = 600  # test 123456's interval in the simulator
ROUND_START = datetime(2026, 6, 1, tzinfo=timezone.utc)  # a fixed, past window: stable data


def iso(moment):
  return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def window(rounds):
  """(start, end) ISO strings of a window holding `rounds` rounds of test 123456."""
  return iso(ROUND_START), iso(ROUND_START + timedelta(seconds=rounds * INTERVAL))


class Mismatch(RuntimeError):
  """Outputs differ: no timing counts."""


def first_difference(path_a, path_b):
  with open(path_a, "rb") as a, open(path_b, "rb") as b:
    for number, (line_a, line_b) in enumerate(zip(a, b), 1):
      if line_a != line_b:
        return f"line {number}:\n  {path_a}: {line_a[:300]!r}\n  {path_b}: {line_b[:300]!r}"
  return f"one file is a prefix of the other ({os.path.getsize(path_a)} vs {os.path.getsize(path_b)} bytes)"


class ExportTools:
  """The four tools over one window; each returns its argv, env and output file."""

  def __init__(self, config, sim, work, start, end, curl_config):
    self.config, self.sim, self.work = config, sim, work
    self.start, self.end, self.curl_config = start, end, curl_config

  def command(self, tool):
    c, sim = self.config, self.sim
    out = os.path.join(self.work, f"{tool}.csv")
    script_args = [sim.base_url, sim.token, str(TEST_ID), self.start, self.end, out]
    env = dict(os.environ)
    if tool == "a":
      env.update(TE_BASE_URL=sim.base_url, TE_TOKEN=sim.token)
      argv = [
        c.terun, "run", "export_latency", f"test_id={TEST_ID}", f"start={self.start}",
        f"end={self.end}", f"out={tool}.csv", "--out-dir", self.work, "--quiet",
      ]
      if c.max_memory:
        argv += ["--max-memory", c.max_memory]
      return argv, env, out
    if tool == "b":
      return [c.python, os.path.join(c.bench, "baselines", "guide_export.py"), *script_args], env, out
    if tool == "c":
      return [c.python, os.path.join(c.bench, "baselines", "sdk_export.py"), *script_args], env, out
    if tool == "d":
      return ["curl", "--config", self.curl_config], env, None
    raise ValueError(tool)

  def run(self, tool):
    """Runs one tool once, checks its output, returns its Sample."""
    argv, env, out = self.command(tool)
    if out and os.path.exists(out):
      os.remove(out)
    stdout = os.path.join(self.work, f"{tool}.stdout")
    stderr = os.path.join(self.work, f"{tool}.stderr")
    sample = run_measured(argv, env=env, stdout=stdout, stderr=stderr)
    self.check(tool, out, stdout)
    return sample

  def check(self, tool, out, stdout):
    if tool == "d":
      self.check_curl(stdout)
      return
    if not os.path.exists(out):
      raise Mismatch(f"({tool}) wrote no CSV at {out}")
    reference = self.reference()
    if reference and out != reference and not filecmp.cmp(reference, out, shallow=False):
      raise Mismatch(f"({tool})'s CSV differs from the reference: {first_difference(reference, out)}")

  def reference(self):
    """The CSV every other tool must equal: the first of the tools' (a's by default)."""
    tool = self.config.tools[0] if self.config.tools[0] != "d" else "a"
    path = os.path.join(self.work, f"{tool}.csv")
    return path if os.path.exists(path) else None

  def check_curl(self, stdout):
    with open(stdout) as f:
      lines = [line.split() for line in f if line.strip()]
    statuses = [line[0] for line in lines]
    fetched = sum(int(line[1]) for line in lines)
    expected_pages, expected_bytes = self.config.pages, self.config.page_bytes
    if len(lines) != expected_pages or any(s != "200" for s in statuses) or fetched != expected_bytes:
      raise Mismatch(
        f"(d) curl fetched {len(lines)} page(s), {fetched} bytes, statuses {sorted(set(statuses))}; "
        f"expected {expected_pages} page(s) of 200, {expected_bytes} bytes")


def write_curl_config(path, token, urls):
  """A curl config that fetches every page to /dev/null over one connection."""
  with open(path, "w") as f:
    f.write("silent\nshow-error\n")
    f.write(f'header = "Authorization: Bearer {token}"\n')
    f.write('write-out = "%{http_code} %{size_download}\\n"\n')
    for url in urls:
      f.write(f'url = "{url}"\noutput = "/dev/null"\n')


def run_export_bench(config, log):
  """Measures (a)-(d) alternating, then (a)'s RSS over growing windows; returns a dict."""
  work = config.work
  os.makedirs(work, exist_ok=True)
  result = {"tools": {}, "scaling": []}
  with Simulator(config.terun, agents=100, token="bench-token", log_path=os.path.join(work, "sim.log")) as sim:
    start, end = window(config.rounds)
    urls, page_bytes, results = sim.result_pages(TEST_ID, start, end)
    if results < 100_000 and config.rounds >= 1000:
      raise RuntimeError(f"the window {start}..{end} holds {results} results, fewer than 100,000")
    config.pages, config.page_bytes = len(urls), page_bytes
    curl_config = os.path.join(work, "curl.cfg")
    write_curl_config(curl_config, sim.token, urls)
    result.update(
      start=start, end=end, results=results, pages=len(urls), page_bytes=page_bytes,
      base_url=sim.base_url, agents=100)
    log(f"window {start} .. {end}: {results} results in {len(urls)} pages, {page_bytes / 1e6:.1f} MB")

    tools = ExportTools(config, sim, work, start, end, curl_config)
    # Validation: every tool once; the reference first so the others are compared with it.
    for tool in config.tools:
      sample = tools.run(tool)
      log(f"validated ({tool}): {sample.wall:.2f} s wall, {sample.cpu:.2f} s CPU, {sample.maxrss_kib / 1024:.0f} MiB")

    samples = {tool: [] for tool in config.tools}
    for i in range(config.runs):
      rotation = config.tools[i % len(config.tools):] + config.tools[:i % len(config.tools)]
      for tool in rotation:
        sample = tools.run(tool)
        samples[tool].append(sample)
        log(f"run {i + 1}/{config.runs} ({tool}): {sample.wall:.2f} s wall, {sample.cpu:.2f} s CPU, "
            f"{sample.maxrss_kib / 1024:.0f} MiB")
    for tool, tool_samples in samples.items():
      result["tools"][tool] = summarize(tool_samples)

    for scale in config.scales:
      rounds = config.rounds * scale
      s_start, s_end = window(rounds)
      scaled = ExportTools(config, sim, os.path.join(work, f"x{scale}"), s_start, s_end, curl_config)
      os.makedirs(scaled.work, exist_ok=True)
      # Only terun's peak RSS is followed across scales; its row count is checked.
      for tool in ("a",):
        scale_samples = [scaled.run(tool) for _ in range(config.scale_runs)]
        with open(os.path.join(scaled.work, f"{tool}.csv"), "rb") as f:
          rows = sum(1 for _ in f) - 1
        if rows != rounds:
          raise Mismatch(f"({tool}) at {scale}x wrote {rows} rows, expected {rounds}")
        summary = summarize(scale_samples)
        summary.update(tool=tool, scale=scale, rounds=rounds, results=rounds * 100, start=s_start, end=s_end)
        result["scaling"].append(summary)
        log(f"scale {scale}x ({tool}, {rounds * 100} results): peak RSS {summary['maxrss_kib'] / 1024:.0f} MiB, "
            f"{summary['wall']:.2f} s wall")
  return result


__all__ = ["run_export_bench", "CommandFailed", "Mismatch"]
