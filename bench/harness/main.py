"""bench/run's driver: the export benchmark, start-up, JSON; results to bench/out/ and,
with --write, to BENCHMARKS.md. See BENCHMARKS.md for what each part measures."""

import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone

from export_bench import run_export_bench
from ratelimit_bench import render_ratelimit, run_ratelimit_bench
from report import render, update_markdown
from startup_bench import run_json_bench, run_startup_bench


def machine():
  model = platform.processor() or "unknown CPU"
  with open("/proc/cpuinfo") as f:
    for line in f:
      if line.startswith("model name"):
        model = line.split(":", 1)[1].strip()
        break
  with open("/proc/meminfo") as f:
    mem_kib = next(int(line.split()[1]) for line in f if line.startswith("MemTotal"))
  return {
    "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    "nproc": os.cpu_count(),
    "cpu_model": model,
    "mem_total_gib": mem_kib / 1024 / 1024,
    "kernel": platform.release(),
    "load_before": load(),
  }


def load():
  return " ".join(f"{x:.1f}" for x in os.getloadavg())


def log(message):
  print(f"bench: {message}", file=sys.stderr, flush=True)


def main():
  root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
  parser = argparse.ArgumentParser(description=__doc__)
  parser.add_argument("--terun", required=True, help="the release terun binary")
  parser.add_argument("--python", required=True, help="the venv's python (requests, the SDK)")
  parser.add_argument("--runs", type=int, default=5, help="timed runs per tool (median)")
  parser.add_argument("--rounds", type=int, default=1000, help="rounds in the 1x window (x100 agents)")
  parser.add_argument("--scales", default="1,2,5,10", help="window multiples for (a)'s RSS growth")
  parser.add_argument("--scale-runs", type=int, default=3)
  parser.add_argument("--tools", default="abcd", help="which of a, b, c, d to run (the first is the reference)")
  parser.add_argument("--max-memory", help="terun --max-memory for (a)")
  parser.add_argument("--startup-runs", type=int, default=50)
  parser.add_argument("--json-runs", type=int, default=5)
  parser.add_argument(
    "--skip", default="", help="comma list of parts to skip: export,scaling,startup,json,ratelimit")
  parser.add_argument("--only", default="", help="comma list of the parts to run (the others are skipped)")
  parser.add_argument("--work", default=os.path.join(root, "bench", "out"))
  parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
  config = parser.parse_args()
  config.bench = os.path.join(root, "bench")
  config.tools = [t for t in config.tools if t in "abcd"]
  skip = set(filter(None, config.skip.split(",")))
  if config.only:
    skip = {"export", "scaling", "startup", "json", "ratelimit"} - set(config.only.split(","))
  config.scales = [] if "scaling" in skip else [int(s) for s in config.scales.split(",")]

  results = {"machine": machine(), "command": " ".join(sys.argv)}
  check = subprocess.run(
    [config.terun, "run", os.path.join(config.bench, "checks", "json_shapes.lua")],
    capture_output=True, text=True)
  if check.returncode != 0 or not check.stdout.startswith("ok "):
    sys.exit(f"bench: bench/checks/json_shapes.lua failed:\n{check.stdout}{check.stderr}")
  log(f"json shape check: {check.stdout.strip()}")
  if "export" not in skip:
    results["export"] = run_export_bench(config, log)
  if "startup" not in skip:
    results["startup"] = run_startup_bench(config, log)
  if "json" not in skip:
    results["json"] = run_json_bench(config, log)
  if "ratelimit" not in skip:
    results["ratelimit"] = run_ratelimit_bench(config, log)
  results["machine"]["load_after"] = load()

  os.makedirs(config.work, exist_ok=True)
  path = os.path.join(config.work, "results.json")
  with open(path, "w") as f:
    json.dump(results, f, indent=2)
  if any(part in results for part in ("export", "startup", "json")):
    section = render(results)
    print(section)
    if config.write:
      update_markdown(os.path.join(root, "BENCHMARKS.md"), section)
      log("BENCHMARKS.md updated (export)")
  if "ratelimit" in results:
    section = render_ratelimit(results["ratelimit"], "bench/run " + " ".join(sys.argv[5:]))
    print(section)
    if config.write:
      update_markdown(
        os.path.join(root, "BENCHMARKS.md"), section, ("<!-- ratelimit:begin -->", "<!-- ratelimit:end -->"))
      log("BENCHMARKS.md updated (ratelimit)")
  log(f"results in {path}")


if __name__ == "__main__":
  main()
