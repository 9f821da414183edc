#!/usr/bin/env bash
# The main job on a fresh machine: installs what is missing, builds terun, and exports a
# test's latency to CSV with the export_latency runbook against the built-in simulator.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
swift build >&2
bin="$(swift build --show-bin-path)/terun"
"$bin" run --sim export_latency test_id=123456 window=1h out=- "$@"
