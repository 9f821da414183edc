"""Start-up time: terun running a runbook that does nothing, against lua5.4 and python3.

hyperfine runs each command without a shell (-N) after warm-up runs and exports JSON; the
median is what the report uses.
"""

import json
import os
import subprocess


def run_startup_bench(config, log):
  noop = os.path.join(config.bench, "startup", "noop.lua")
  commands = {
    "terun": f"{config.terun} run {noop}",
    "lua5.4": "lua5.4 -e ''",
    "python3": "python3 -c ''",
  }
  export = os.path.join(config.work, "startup.json")
  os.makedirs(config.work, exist_ok=True)
  argv = ["hyperfine", "-N", "--warmup", "5", "--runs", str(config.startup_runs), "--export-json", export]
  for name, command in commands.items():
    argv += ["--command-name", name, command]
  subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
  with open(export) as f:
    data = json.load(f)
  result = {}
  for entry in data["results"]:
    result[entry["command"]] = {
      "median_ms": entry["median"] * 1000,
      "mean_ms": entry["mean"] * 1000,
      "stddev_ms": (entry["stddev"] or 0) * 1000,
      "min_ms": entry["min"] * 1000,
      "user_ms": entry["user"] * 1000,
      "system_ms": entry["system"] * 1000,
      "runs": len(entry["times"]),
    }
    log(f"start-up {entry['command']}: median {entry['median'] * 1000:.1f} ms")
  return result


def run_json_bench(config, log):
  """Calls bench/json/run (LuaJSON against lua-cjson) and keeps its table."""
  script = os.path.join(config.bench, "json", "run")
  completed = subprocess.run([script, str(config.json_runs)], check=True, capture_output=True, text=True)
  rows = []
  for line in completed.stdout.splitlines()[1:]:
    fields = line.split()
    if len(fields) == 5:
      codec, operation, file, gc, mbps = fields
      rows.append({"codec": codec, "operation": operation, "file": file, "gc": gc, "mb_per_s": float(mbps)})
  if not rows:
    raise RuntimeError(f"bench/json/run printed no results:\n{completed.stdout}\n{completed.stderr[-2000:]}")
  log(f"json: {len(rows)} rows")
  return rows
