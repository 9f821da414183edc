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
from terun_harness import ROOT, launch_sim, terun_bin  # noqa: E402

TOKEN = "runbook-harness-token"


class Sim:
    """A standalone `terun sim`; `run` runs terun against it in a work folder."""

    def __init__(self, work, *args):
        self.process, self.port = launch_sim(TOKEN, *args)
        self.base = f"http://127.0.0.1:{self.port}"
        self.work = work

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
def start_runbook_sim(tmp_path):
    """Starts a `Sim` in the test's folder with the given `terun sim` arguments; stops it after."""
    servers = []

    def start(*args):
        servers.append(Sim(tmp_path, *args))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def sim(start_runbook_sim):
    return start_runbook_sim("--rate-limit", "off")
