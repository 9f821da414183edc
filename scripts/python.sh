#!/usr/bin/env bash
# Runs the Python that has the harness dependencies: the local venv if bootstrap made one.
cd "$(dirname "$0")/.."
if [ -x .venv/bin/python ]; then exec .venv/bin/python "$@"; else exec python3 "$@"; fi
