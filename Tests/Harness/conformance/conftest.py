"""Fixtures: a `terun sim` process on a free port, and a client for it.

The binary comes from TERUN_BIN (CI passes `$(swift build --show-bin-path)/terun`);
otherwise the debug build's path is asked from SwiftPM.
"""
import json
import pathlib
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from terun_harness import ROOT, launch_sim, terun_bin  # noqa: E402

TOKEN = "conformance-token"


class Reply:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.raw = raw
        self.content_type = self.headers.get("content-type", "")
        self.body = json.loads(raw) if raw else None


class Sim:
    """A running `terun sim` and a minimal HTTP client for it."""

    def __init__(self, *args):
        self.process, self.port = launch_sim(TOKEN, *args)
        self.token = TOKEN
        self.base = f"http://127.0.0.1:{self.port}"

    def call(self, method, path, body=None, token=TOKEN):
        url = path if path.startswith("http") else self.base + "/v7" + path
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        if token is not None:
            request.add_header("Authorization", f"Bearer {token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Reply(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Reply(error.code, dict(error.headers), error.read())

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def sim():
    server = Sim("--rate-limit", "off", "--page-size", "50")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def start_sim():
    """Starts a `terun sim` with the given arguments; all are stopped at the end of the session."""
    started = []

    def start(*args):
        started.append(Sim(*args))
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def exhausted_sim():
    """A simulator whose budget is spent after one request (for 429 responses)."""
    server = Sim("--rate-limit", "1/1h")
    server.call("GET", "/users/current")
    time.sleep(0.01)
    yield server
    server.stop()
