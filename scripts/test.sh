#!/usr/bin/env bash
# The test command: installs what is missing, builds terun, runs the Swift test suites (Swift
# Testing; unit and end-to-end against the simulator over real HTTP), then the Python
# harnesses: the conformance suite that validates the simulator's responses against the
# official OpenAPI spec, a two-minute schemathesis fuzz run of the simulator
# (Tests/Harness/conformance), the Lua stdlib specs, the REPL pty tests and the schedule tests
# (all in Tests/Harness).
set -euo pipefail
cd "$(dirname "$0")/.."
# One Swift test framework: Swift Testing. A file that imports XCTest would not run (its pass
# is off), so it fails the command instead.
if grep -rl --include='*.swift' '^import XCTest' Tests; then
  echo "scripts/test.sh: the files above import XCTest; write Swift tests with Swift Testing" >&2
  exit 1
fi
bash scripts/bootstrap.sh
# SwiftPM itself sometimes crashes on Linux, with signal 11 in libdispatch's
# _dispatch_event_loop_drain (swiftlang/swift#87033, open). A build killed by a signal is run
# once more; a build that fails (a compile error) is not.
build() {
  local status=0
  swift build "$@" || status=$?
  if [ "$status" -ge 128 ]; then
    echo "scripts/test.sh: swift build $* was killed by signal $((status - 128)) (swiftlang/swift#87033); building once more" >&2
    status=0
    swift build "$@" || status=$?
  fi
  return "$status"
}
build
build --build-tests
export TERUN_BIN="$(swift build --show-bin-path)/terun"
# One test at a time, as XCTest ran them: a test that blocks its thread (a Lua run stopped only
# by its watchdog, a subprocess it waits for) holds one of the cooperative pool's threads, as
# many as there are cores; in parallel runs on two cores that starved the in-process simulators
# and the timing checks of the other tests (rate-limit windows, retry waits).
swift test --skip-build --disable-xctest --no-parallel
bash scripts/python.sh -m pytest -q Tests/Harness
