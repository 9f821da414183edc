"""Starts `terun sim` on a free loopback port and walks result pages the way curl will."""

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request


def free_port():
  """A TCP port that is free on 127.0.0.1 right now."""
  with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    return s.getsockname()[1]


class Simulator:
  """A standalone `terun sim` process (`--rate-limit off` unless given)."""

  def __init__(self, terun, agents, token, log_path, seed=1, rate_limit="off", latency=None):
    self.port = free_port()
    self.token = token
    self.base_url = f"http://127.0.0.1:{self.port}"
    self.log_path = log_path
    self._log = open(log_path, "wb")
    argv = [
      terun, "sim", "--port", str(self.port), "--rate-limit", rate_limit, "--agents", str(agents),
      "--token", token, "--seed", str(seed),
    ] + (["--latency", latency] if latency else [])
    self.process = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT)
    self._wait_until_ready()

  def _wait_until_ready(self, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
      if self.process.poll() is not None:
        raise RuntimeError(f"terun sim exited with {self.process.returncode}; see {self.log_path}")
      try:
        self.get_json(f"{self.base_url}/v7/account-groups")
        return
      except (urllib.error.URLError, ConnectionError, OSError):
        time.sleep(0.2)
    raise RuntimeError(f"terun sim did not answer within {timeout} s; see {self.log_path}")

  def get(self, url):
    """GET url with the token; returns the body bytes (raises on an HTTP error)."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {self.token}"})
    with urllib.request.urlopen(request, timeout=120) as response:
      return response.read()

  def get_json(self, url):
    return json.loads(self.get(url))

  def result_pages(self, test_id, start, end):
    """Walks /v7/test-results/{test_id}/network over [start, end): (page URLs, bytes, results)."""
    query = urllib.parse.urlencode({"startDate": start, "endDate": end})
    url = f"{self.base_url}/v7/test-results/{test_id}/network?{query}"
    urls, total_bytes, results = [], 0, 0
    while url:
      body = self.get(url)
      urls.append(url)
      total_bytes += len(body)
      page = json.loads(body)
      results += len(page.get("results", []))
      url = page.get("_links", {}).get("next", {}).get("href")
    return urls, total_bytes, results

  def stop(self):
    if self.process.poll() is None:
      self.process.terminate()
      try:
        self.process.wait(timeout=10)
      except subprocess.TimeoutExpired:
        self.process.kill()
        self.process.wait()
    self._log.close()

  def __enter__(self):
    return self

  def __exit__(self, *exc):
    self.stop()
