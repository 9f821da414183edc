"""Bulk jobs at the rate-limit ceiling (issue 19), against `terun sim --latency 400-600
--rate-limit 40/10s`: the API's 240 requests per minute with its fixed windows scaled from
60 s to 10 s.

Scenario 1: one process creates 120 users from a CSV: terun bulk_create_users (te.parallel),
the same with --max-concurrency 1 (one request at a time, as before te.parallel), the guide's
way (one POST at a time with requests, no pacing), the official SDK's UsersApi.create_user per
row (its own 429 retry), and a naive thread pool of 8 with requests.

Scenario 2: four terun processes on one host each create 30 users at the same moment, sharing
the budget through one TERUN_STATE_DIR.

Every tool gets a fresh simulator and starts at a window's beginning (the windows are aligned
to the epoch), so that each meets the same budget. The floor for N requests under L per
window W is (ceil(N / L) - 1) x W.
"""

import json
import math
import os
import shutil
import subprocess
import tempfile
import time

from simulator import Simulator

LIMIT, WINDOW = 40, 10
RATE = f"{LIMIT}/{WINDOW}s"
LATENCY = "400-600"
TOKEN = "bench-ratelimit-token"


def floor_seconds(requests):
  return (math.ceil(requests / LIMIT) - 1) * WINDOW


def wait_for_window():
  """Sleeps until 0.3 s into the next window."""
  now = time.time()
  start = (math.floor(now / WINDOW) + 1) * WINDOW + 0.3
  time.sleep(start - now)


def write_csv(path, prefix, count, aid):
  with open(path, "w") as f:
    f.write("name,email,account_group,roles\n")
    for i in range(1, count + 1):
      f.write(f"User {i},{prefix}.{i}@example.com,{aid},Regular User\n")


def audit_counts(path):
  statuses = []
  with open(path) as f:
    for line in f:
      if line.strip():
        statuses.append(json.loads(line).get("status"))
  return len(statuses), sum(1 for s in statuses if s == 429)


def setup(config, work, name):
  """A fresh simulator, and the aid and role id its users are created with."""
  sim = Simulator(config.terun, 10, TOKEN, os.path.join(work, f"sim-{name}.log"), rate_limit=RATE, latency=LATENCY)
  aid = str(sim.get_json(f"{sim.base_url}/v7/account-groups")["accountGroups"][0]["aid"])
  roles = sim.get_json(f"{sim.base_url}/v7/roles?aid={aid}")["roles"]
  role_id = str(next(r["roleId"] for r in roles if r["name"] == "Regular User"))
  return sim, aid, role_id


def terun_env(sim, state):
  env = dict(os.environ)
  env.update({"TE_BASE_URL": sim.base_url, "TE_TOKEN": TOKEN, "TERUN_STATE_DIR": state})
  env.pop("TERUN_PATH", None)
  return env


def run_terun(config, sim, work, name, rows, aid, extra=()):
  folder = os.path.join(work, name)
  os.makedirs(folder, exist_ok=True)
  csv_path = os.path.join(folder, "users.csv")
  write_csv(csv_path, name, rows, aid)
  audit = os.path.join(folder, "audit.jsonl")
  argv = [config.terun, "bulk_create_users", f"csv={csv_path}", "--audit", audit, *extra]
  wait_for_window()
  started = time.monotonic()
  done = subprocess.run(argv, env=terun_env(sim, os.path.join(work, "state-" + name)), capture_output=True, text=True)
  wall = time.monotonic() - started
  if done.returncode != 0:
    raise RuntimeError(f"{name}: terun exited {done.returncode}: {done.stderr[-2000:]}")
  requests, limited = audit_counts(audit)
  return {"wall": wall, "requests": requests, "rate_limited": limited}


def run_python(config, sim, work, name, script, rows, aid, role_id):
  folder = os.path.join(work, name)
  os.makedirs(folder, exist_ok=True)
  csv_path = os.path.join(folder, "users.csv")
  write_csv(csv_path, name, rows, aid)
  argv = [config.python, os.path.join(config.bench, "baselines", script), sim.base_url, TOKEN, csv_path, role_id]
  wait_for_window()
  started = time.monotonic()
  done = subprocess.run(argv, capture_output=True, text=True)
  wall = time.monotonic() - started
  if done.returncode != 0:
    raise RuntimeError(f"{name}: {script} exited {done.returncode}: {done.stderr[-2000:]}")
  counts = json.loads(done.stdout.strip().splitlines()[-1])
  return {"wall": wall, "requests": counts["requests"], "rate_limited": counts["rate_limited"]}


def scenario_one(config, work, log):
  tools = [
    ("terun", lambda sim, aid, role: run_terun(config, sim, work, "terun", 120, aid)),
    ("terun --max-concurrency 1", lambda sim, aid, role: run_terun(
      config, sim, work, "terun-sequential", 120, aid, ("--max-concurrency", "1"))),
    ("guide (requests, one at a time)", lambda sim, aid, role: run_python(
      config, sim, work, "guide", "guide_users.py", 120, aid, role)),
    ("official SDK (create_user per row)", lambda sim, aid, role: run_python(
      config, sim, work, "sdk", "sdk_users.py", 120, aid, role)),
    ("thread pool of 8 (requests)", lambda sim, aid, role: run_python(
      config, sim, work, "pool", "threadpool_users.py", 120, aid, role)),
  ]
  rows = []
  for name, run in tools:
    sim, aid, role = setup(config, work, name.split()[0] + str(len(rows)))
    try:
      result = run(sim, aid, role)
    finally:
      sim.stop()
    result["tool"] = name
    result["floor"] = floor_seconds(result["requests"])
    log(f"ratelimit 1: {name}: {result['wall']:.1f} s, {result['requests']} requests, "
        f"{result['rate_limited']} 429s, floor {result['floor']} s")
    rows.append(result)
  return rows


def scenario_two(config, work, log):
  sim, aid, _ = setup(config, work, "four")
  state = os.path.join(work, "state-shared")
  try:
    procs = []
    wait_for_window()
    started = time.monotonic()
    for i in range(4):
      folder = os.path.join(work, f"four-{i}")
      os.makedirs(folder, exist_ok=True)
      csv_path = os.path.join(folder, "users.csv")
      write_csv(csv_path, f"p{i}", 30, aid)
      audit = os.path.join(folder, "audit.jsonl")
      argv = [config.terun, "bulk_create_users", f"csv={csv_path}", "--audit", audit]
      procs.append((subprocess.Popen(
        argv, env=terun_env(sim, state), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True), audit))
    walls, requests, limited = [], 0, 0
    for proc, audit in procs:
      out, err = proc.communicate()
      walls.append(time.monotonic() - started)
      if proc.returncode != 0:
        raise RuntimeError(f"scenario 2: terun exited {proc.returncode}: {err[-2000:]}")
      n, l = audit_counts(audit)
      requests += n
      limited += l
  finally:
    sim.stop()
  result = {
    "tool": "4 x terun (30 users each)", "wall": max(walls), "walls": walls, "requests": requests,
    "rate_limited": limited, "floor": floor_seconds(requests),
  }
  log(f"ratelimit 2: {result['wall']:.1f} s, {requests} requests, {limited} 429s, floor {result['floor']} s")
  return result


def run_ratelimit_bench(config, log):
  work = tempfile.mkdtemp(prefix="terun-bench-ratelimit-")
  try:
    return {"one": scenario_one(config, work, log), "four": scenario_two(config, work, log)}
  finally:
    shutil.rmtree(work, ignore_errors=True)


def render_ratelimit(results, command):
  lines = [
    f"Against `terun sim --latency {LATENCY} --rate-limit {RATE}`; each tool with a fresh simulator, "
    "started at a window's beginning. Floor = `(ceil(N / 40) - 1) x 10 s` for its N requests; "
    "target: terun within floor + 3 s, 0 429s.",
    "",
    f"Command: `{command}`",
    "",
    "Scenario 1: one process creates 120 users from a CSV",
    "",
    "| tool | wall (s) | requests | 429s | floor (s) | wall - floor (s) |",
    "|---|---:|---:|---:|---:|---:|",
  ]
  for row in results["one"]:
    lines.append(
      f"| {row['tool']} | {row['wall']:.1f} | {row['requests']} | {row['rate_limited']} | {row['floor']} "
      f"| {row['wall'] - row['floor']:+.1f} |")
  four = results["four"]
  lines += [
    "",
    "Scenario 2: four terun processes on one host, 30 users each, started together (one TERUN_STATE_DIR)",
    "",
    "| tool | wall, last to finish (s) | each process (s) | requests | 429s | floor (s) | wall - floor (s) |",
    "|---|---:|---|---:|---:|---:|---:|",
    f"| {four['tool']} | {four['wall']:.1f} | {', '.join(f'{w:.1f}' for w in four['walls'])} | {four['requests']} "
    f"| {four['rate_limited']} | {four['floor']} | {four['wall'] - four['floor']:+.1f} |",
  ]
  return "\n".join(lines)
