#!/usr/bin/env bash
# Installs what terun needs to build and test on a fresh Debian machine with the Swift
# toolchain: Lua 5.4 headers and library (pkg-config lua5.4), libedit for the REPL, and the
# Python packages the conformance harness and the fuzz run use. Idempotent: it skips what is
# already there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
pkg-config --exists lua5.4 2>/dev/null || need_apt+=(liblua5.4-dev pkg-config)
[ -f /usr/include/histedit.h ] || need_apt+=(libedit-dev)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3 python3-venv python3-pip)
command -v python3 >/dev/null 2>&1 && ! python3 -c 'import ensurepip' >/dev/null 2>&1 && need_apt+=(python3-venv)
command -v lua5.4 >/dev/null 2>&1 || need_apt+=(lua5.4)
[ -f /usr/include/sqlite3.h ] || need_apt+=(libsqlite3-dev)
# systemd-analyze verifies the units `terun schedule export --to systemd` writes.
command -v systemd-analyze >/dev/null 2>&1 || need_apt+=(systemd)
# Headless Chromium opens the scheduler's status page in Tests/Harness/schedule.
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)

if [ ${#need_apt[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "bootstrap: installing ${need_apt[*]}" >&2
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Python harness dependencies, in a local venv so that the pinned versions are the ones that
# run (scripts/python.sh uses the venv once it exists): the conformance tests, the REPL pty
# tests, the schemathesis fuzz run of the simulator, and the schedule tests
# (kubernetes-validate checks exported manifests offline, prometheus_client parses /metrics,
# Pillow reads the status page's screenshot).
SCHEMATHESIS_VERSION=4.32.5
if ! { [ -x .venv/bin/python ] && .venv/bin/python -c '
import importlib.metadata as m, pytest, jsonschema, yaml, pexpect, openapi_schema_validator
import kubernetes_validate, prometheus_client, PIL
assert m.version("schemathesis") == "'"$SCHEMATHESIS_VERSION"'"' >/dev/null 2>&1; }; then
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  .venv/bin/python -m pip install -q --disable-pip-version-check \
    pytest jsonschema pyyaml pexpect openapi-schema-validator "schemathesis==$SCHEMATHESIS_VERSION" \
    kubernetes-validate prometheus_client pillow >&2
fi
