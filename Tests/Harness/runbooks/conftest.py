"""Fixtures for the runbook harness: the terun binary, a standalone `terun sim`, and a runner.

The binary comes from TERUN_BIN (scripts/test.sh sets it); otherwise the debug build's path
is asked from SwiftPM. Each test gets a fresh simulator (rate limit off) and a fresh work
folder, so runbooks that write do not affect one another.
"""
import os
import pathlib
import subprocess
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from terun_harness import ROOT, free_port, terun_bin  # noqa: E402

TOKEN = "runbook-harness-token"


class Sim:
    """A standalone `terun sim`; `run` runs terun against it in a work folder."""

    def __init__(self, work, *args):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.work = work
        self.process = subprocess.Popen(
            [terun_bin(), "sim", "--port", str(self.port), "--token", TOKEN, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        banner = self.process.stdout.readline()
        if "listening" not in banner:
            self.process.kill()
            raise RuntimeError(f"terun sim did not start: {banner}{self.process.stderr.read()}")

    def env(self, aid=None):
        env = dict(os.environ, TE_BASE_URL=self.base, TE_TOKEN=TOKEN, NO_COLOR="1",
                   TERUN_STATE_DIR=str(self.work / "state"))
        env.pop("TE_AID", None)
        if aid:
            env["TE_AID"] = aid
        return env

    def run(self, *args, aid=None, timeout=300):
        """Runs `terun ARGS` with the runbooks of this checkout by name; returns the completed process."""
        return subprocess.run(
            [terun_bin(), *args], cwd=self.work, env=dict(self.env(aid), TERUN_PATH=str(ROOT / "runbooks")),
            capture_output=True, text=True, timeout=timeout,
        )

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def sim(tmp_path):
    server = Sim(tmp_path, "--rate-limit", "off")
    yield server
    server.stop()
