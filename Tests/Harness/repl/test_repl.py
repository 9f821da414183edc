"""The REPL through a pseudo-terminal (pexpect) and through a pipe.

Runs the binary named by TERUN_BIN (skipped when it is unset), with HOME pointed at a
temporary folder so that ~/.terun_history is the test's own.
"""

import os
import re
import subprocess
import time

import pytest

pexpect = pytest.importorskip("pexpect")

TERUN = os.environ.get("TERUN_BIN")
pytestmark = pytest.mark.skipif(not TERUN, reason="TERUN_BIN is not set (path to the built terun)")

# The primary prompt at the start of a line; ">> " (continuation) never matches it.
PROMPT = re.compile(r"(?:^|\n)> ")
CONTINUATION = re.compile(r"(?:^|\n)>> ")


def environment(home):
    env = {key: value for key, value in os.environ.items() if not key.startswith("TE_")}
    env.update(HOME=str(home), TERM="xterm", NO_COLOR="1")
    return env


def spawn(home, *args):
    child = pexpect.spawn(
        TERUN, ["repl", *args], env=environment(home), encoding="utf-8", timeout=60,
        dimensions=(40, 200))
    child.expect(PROMPT)
    return child


def run(child, line, *expected):
    """Sends a line, waits for each expected text in order, then for the next prompt."""
    child.sendline(line)
    for text in expected:
        child.expect_exact(text)
    child.expect(PROMPT)
    return child.before


def leave(child):
    child.sendeof()
    child.expect(pexpect.EOF)
    child.wait()
    assert child.exitstatus == 0


def test_expressions_print_their_values(tmp_path):
    child = spawn(tmp_path)
    run(child, "1 + 2", "3")
    run(child, "{b = 2, a = {1, 2}, ['x y'] = true}", '{a = {1, 2}, b = 2, ["x y"] = true}')
    run(child, "'a' .. 'b', 4.0", '"ab"\t4.0')
    run(child, "t = {}; t.me = t", )
    run(child, "t", "{me = <cycle>}")
    leave(child)


def test_multi_line_function_definition(tmp_path):
    child = spawn(tmp_path)
    child.sendline("function fact(n)")
    child.expect(CONTINUATION)
    child.sendline("  if n <= 1 then return 1 end")
    child.expect(CONTINUATION)
    child.sendline("  return n * fact(n - 1)")
    child.expect(CONTINUATION)
    child.sendline("end")
    child.expect(PROMPT)
    run(child, "fact(10)", "3628800")
    leave(child)


def test_tab_completes_te_members(tmp_path):
    child = spawn(tmp_path, "--sim")
    # "type(" breaks the word, so Tab completes "te.ag" alone; without completion the
    # expression would be type(te.ag) == "nil".
    child.send("type(te.ag")
    child.send("\t")
    time.sleep(0.3)
    child.sendline(")")
    child.expect_exact('"table"')
    child.expect(PROMPT)
    child.send("te.agents.li\t")
    time.sleep(0.3)
    child.sendline("")
    child.expect(r"function: 0x[0-9a-f]+")
    child.expect(PROMPT)
    leave(child)


def test_tab_completes_after_indexing(tmp_path):
    child = spawn(tmp_path)
    run(child, "sg = {{public = 1, private = 2}}")
    # Tab's word ends at "]": the completion walks sg[1] from the text before the word.
    child.send("type(sg[1].pub")
    child.send("\t")
    time.sleep(0.3)
    child.sendline(")")
    child.expect_exact('"number"')
    child.expect(PROMPT)
    run(child, "t = {k = {alpha = 5}}")
    child.send("t['k'].alp")
    child.send("\t")
    time.sleep(0.3)
    child.sendline("")
    child.expect_exact("5")
    child.expect(PROMPT)
    leave(child)


def test_sandbox_refusal_keeps_the_session(tmp_path):
    child = spawn(tmp_path)
    run(child, "kept = 41")
    child.sendline('te.fs.read("/etc/passwd")')
    child.expect_exact("sandbox:")
    child.expect_exact("statement refused; the session's globals are kept")
    child.expect(PROMPT)
    run(child, "kept + 1", "42")
    child.sendline("io.write('x')")
    child.expect_exact("'io' is not available in the sandbox")
    child.expect(PROMPT)
    run(child, "kept", "41")
    leave(child)


def test_ctrl_c_interrupts_a_running_statement_and_the_line(tmp_path):
    child = spawn(tmp_path)
    child.sendline("while true do end")
    time.sleep(0.5)
    child.sendintr()
    child.expect_exact("interrupted")
    child.expect(PROMPT)
    run(child, "1 + 1", "2")
    # Ctrl-C while typing drops the line.
    child.send("12345")
    time.sleep(0.2)
    child.sendintr()
    child.expect_exact("^C")
    child.expect(PROMPT)
    output = run(child, "7", "7")
    assert "123457" not in output
    leave(child)


def test_history_persists_across_sessions(tmp_path):
    child = spawn(tmp_path)
    run(child, "history_marker = 6 * 7")
    leave(child)
    history = (tmp_path / ".terun_history").read_text(errors="replace")
    assert "history_marker" in history

    child = spawn(tmp_path)
    child.send("\x1b[A")  # up arrow: the last line of the previous session
    time.sleep(0.3)
    child.sendline("")
    child.expect(PROMPT)
    run(child, "history_marker", "42")
    leave(child)


def test_dry_run_plan_then_apply(tmp_path):
    child = spawn(tmp_path, "--sim", "--dry-run")
    run(child, "groups, roles = te.account_groups.list(), te.roles.list()")
    run(
        child,
        'u = te.users.create({name = "Ada Lovelace", email = "ada@example.com", '
        "accountGroupRoles = {{accountGroupId = groups[1].aid, roleIds = {roles[1].roleId}}}})")
    find = ('found = "absent" for _, x in ipairs(te.users.list()) do '
            'if x.email == "ada@example.com" then found = "present" end end return found')
    run(child, find, '"absent"')
    child.sendline(":plan")
    child.expect(PROMPT)
    assert "ada@example.com" in child.before
    assert re.search(r"^\+ create user .*POST /\S*users", child.before, re.M), child.before
    run(child, ":apply", "Applied 1 of 1 planned writes.")
    run(child, find, '"present"')
    run(child, ":plan", "No changes planned.")
    leave(child)


def test_piped_input_has_no_prompts_and_no_escape_codes(tmp_path):
    script = "\n".join([
        "1 + 2",
        "function f(x)",
        "  return x * 2",
        "end",
        "f(4)",
        "print('hi')",
        "{a = 1}",
        "",
    ])
    done = subprocess.run(
        [TERUN, "repl"], input=script.encode(), capture_output=True, env=environment(tmp_path),
        timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == b"3\n8\nhi\n{a = 1}\n"
    assert b"\x1b" not in done.stdout and b"\x1b" not in done.stderr
    assert b"> " not in done.stdout and b"> " not in done.stderr
    assert not (tmp_path / ".terun_history").exists()


def test_piped_errors_go_to_stderr_and_set_the_exit_status(tmp_path):
    done = subprocess.run(
        [TERUN, "repl"], input=b"error('boom')\n5\n", capture_output=True,
        env=environment(tmp_path), timeout=60)
    assert done.returncode == 1
    assert done.stdout == b"5\n"
    assert done.stderr == b"stdin:1: boom\n"


PROXY = ("p = setmetatable({}, { __len = function() return 2 ^ 31 - 2 end, "
         "__index = rawlen, __newindex = rawequal })")


def test_statement_limits_stop_c_loops_and_keep_the_session(tmp_path):
    """Issue 13: a C loop that runs no Lua instruction (table.sort on a proxy of C functions,
    a plain find O(n * m)) is still stopped by the statement's limits."""
    child = spawn(tmp_path, "--max-instructions", "2000000", "--timeout", "20s")
    run(child, "kept = 41")
    run(child, PROXY)
    started = time.monotonic()
    run(child, "table.sort(p)", "instruction limit exceeded")
    run(child, 's, n = "a", "a"; for _ = 1, 23 do s = s .. s end; for _ = 1, 20 do n = n .. n end')
    run(child, 'string.find(s, n .. "b", 1, true)', "instruction limit exceeded")
    assert time.monotonic() - started < 10
    run(child, "kept + 1", "42")
    leave(child)


def test_ctrl_c_interrupts_a_c_loop(tmp_path):
    child = spawn(tmp_path)
    run(child, PROXY)
    child.sendline("table.remove(p, 1)")
    time.sleep(0.5)
    child.sendintr()
    child.expect_exact("interrupted")
    child.expect(PROMPT)
    run(child, "1 + 1", "2")
    leave(child)
