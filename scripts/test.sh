#!/usr/bin/env bash
# The test command: installs what is missing, builds terun, runs the Swift test suites
# (unit and end-to-end against the simulator over real HTTP), then the Python harnesses: the
# conformance suite that validates the simulator's responses against the official OpenAPI
# spec, and a two-minute schemathesis fuzz run of the simulator (Tests/Harness/conformance),
# plus the Lua stdlib specs, the REPL pty tests and the schedule tests (all in Tests/Harness).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
swift build
export TERUN_BIN="$(swift build --show-bin-path)/terun"
swift test
bash scripts/python.sh -m pytest -q Tests/Harness
