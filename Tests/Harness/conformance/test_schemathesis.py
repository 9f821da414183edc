"""Property-based fuzzing of the simulator with schemathesis, a fuzzer that knows nothing of terun.

schemathesis generates requests from the official spec (openapi.json: the spec's own text
for the implemented operations, from scripts/sim/gen_fuzz_spec.py), valid ones and invalid
ones, sends them to a standalone `terun sim` (rate limit off, no faults) and checks every
response:
- not_a_server_error: no 5xx (the simulator sends one only when a fault is injected);
- status_code_conformance: the status is one the operation documents;
- content_type_conformance: the Content-Type is one the spec documents for that status;
- response_schema_conformance: the body fits the documented schema.

The undocumented statuses the simulator gives on purpose (the real API's behaviour) are
listed, each with why, in schemathesis_baseline.json; any other failure fails the test.
schemathesis.toml holds the one setting changed from schemathesis's defaults, with why.

Environment (defaults are CI's, about two minutes in all):
- TERUN_FUZZ_SEEDS: comma-separated seeds, one run each (default 20);
- TERUN_FUZZ_MAX_TIME: seconds per run (default 110);
- TERUN_FUZZ_WORKERS: concurrent workers (default 1: with more, Python 3.11 before 3.11.8 can
  fail inside schemathesis with "AST constructor recursion depth mismatch", a CPython race);
- TERUN_FUZZ_REPORT_DIR: where the JSON reports are kept (default: a temporary folder).
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import pytest

HERE = pathlib.Path(__file__).parent
SPEC = HERE / "openapi.json"
BASELINE = HERE / "schemathesis_baseline.json"
CONFIG = HERE / "schemathesis.toml"
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance,status_code_conformance"
SEEDS = [int(s) for s in os.environ.get("TERUN_FUZZ_SEEDS", "20").split(",") if s.strip()]
MAX_TIME = int(os.environ.get("TERUN_FUZZ_MAX_TIME", "110"))
WORKERS = os.environ.get("TERUN_FUZZ_WORKERS", "1")


def schemathesis_command(server, seed, report):
    return [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "run", str(SPEC),
        "--url", server.base + "/v7",
        "--header", f"Authorization: Bearer {server.token}",
        "--checks", CHECKS,
        "--seed", str(seed),
        "--max-time", str(MAX_TIME),
        "--workers", WORKERS,
        "--baseline", str(BASELINE),
        "--generation-database", "none",
        "--request-timeout", "10",
        "--report", "json", "--report-json-path", str(report),
        "--no-color",
    ]


@pytest.mark.parametrize("seed", SEEDS)
def test_schemathesis_finds_nothing_outside_the_baseline(seed, start_sim):
    fuzz_sim = start_sim("--rate-limit", "off")
    report_dir = pathlib.Path(os.environ.get("TERUN_FUZZ_REPORT_DIR") or tempfile.mkdtemp(prefix="terun-fuzz-"))
    report_dir.mkdir(parents=True, exist_ok=True)
    report = report_dir / f"schemathesis-{seed}.json"
    started = time.monotonic()
    try:
        run = subprocess.run(
            schemathesis_command(fuzz_sim, seed, report), capture_output=True, text=True, timeout=MAX_TIME + 300
        )
        elapsed = time.monotonic() - started
        alive = fuzz_sim.process.poll() is None
    finally:
        fuzz_sim.stop()
    output = run.stdout + run.stderr
    assert report.exists(), f"schemathesis wrote no report (exit {run.returncode}):\n{output[-6000:]}"
    document = json.loads(report.read_text())
    cases = document["test_cases"]["generated"]
    operations = document["operations"]
    print(
        f"\nschemathesis seed {seed}: {cases} cases on {operations['tested']} of {operations['selected']} "
        f"operations in {elapsed:.0f} s; known baseline failures {document['baseline']['known']}"
    )
    assert alive, "terun sim died during the run"
    assert operations["tested"] == operations["selected"] > 0, f"operations not tested: {operations}"
    assert not document["errors"], f"schemathesis errors: {document['errors']}\n{output[-6000:]}"
    assert document["baseline"]["new"] == 0 and run.returncode == 0, (
        f"schemathesis found failures outside the baseline (seed {seed}, exit {run.returncode}):\n{output[-12000:]}"
    )
