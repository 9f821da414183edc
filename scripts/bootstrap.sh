#!/usr/bin/env bash
# Installs what terun needs to build and test on a fresh Debian machine with the Swift
# toolchain: Lua 5.4 headers and library (pkg-config lua5.4), libedit for the REPL, and the
# Python packages the conformance harness uses. Idempotent: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
pkg-config --exists lua5.4 2>/dev/null || need_apt+=(liblua5.4-dev pkg-config)
[ -f /usr/include/histedit.h ] || need_apt+=(libedit-dev)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3 python3-venv python3-pip)
command -v lua5.4 >/dev/null 2>&1 || need_apt+=(lua5.4)
[ -f /usr/include/sqlite3.h ] || need_apt+=(libsqlite3-dev)
# systemd-analyze verifies the units `terun schedule export --to systemd` writes.
command -v systemd-analyze >/dev/null 2>&1 || need_apt+=(systemd)
# Headless Chromium opens the scheduler's status page in tests/schedule.
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)

if [ ${#need_apt[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "bootstrap: installing ${need_apt[*]}" >&2
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Python harness dependencies (conformance tests, REPL pty tests, and the schedule tests:
# kubernetes-validate checks exported manifests offline, prometheus_client parses /metrics,
# Pillow reads the status page's screenshot): in a local venv unless the Python that
# scripts/python.sh picks already has them.
python_modules='import pytest, jsonschema, openapi_schema_validator, yaml, pexpect, kubernetes_validate, prometheus_client, PIL'
if ! bash scripts/python.sh -c "$python_modules" >/dev/null 2>&1; then
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  .venv/bin/python -m pip install -q --disable-pip-version-check \
    pytest jsonschema openapi-schema-validator pyyaml pexpect kubernetes-validate prometheus_client pillow >&2
fi
