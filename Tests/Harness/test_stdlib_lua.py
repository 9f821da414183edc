"""Runs the Lua stdlib unit tests (Tests/Harness/lua/run.lua) with the system Lua 5.4 interpreter."""

import pathlib
import re
import shutil
import subprocess

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def _lua() -> str:
    lua = shutil.which("lua5.4") or shutil.which("lua")
    assert lua, "the Lua 5.4 interpreter is needed for the stdlib tests: apt-get install lua5.4"
    return lua


def test_stdlib_lua_unit_tests_pass():
    proc = subprocess.run(
        [_lua(), str(HERE / "lua" / "run.lua")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = proc.stdout + proc.stderr
    summary = re.search(r"^(\d+) passed, (\d+) failed$", proc.stdout, re.MULTILINE)
    assert summary, "no summary line in the output:\n" + output
    passed, failed = int(summary.group(1)), int(summary.group(2))
    assert failed == 0 and proc.returncode == 0, output
    assert passed >= 100, f"only {passed} tests ran:\n{output}"
