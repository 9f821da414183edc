"""Walks test 123456's network results over a fixed 7-day window and times each page.
Usage: results_walk.py BASE TOKEN"""
import json
import statistics
import sys
import time
import urllib.request

base, token = sys.argv[1], sys.argv[2]
url = base + "/v7/test-results/123456/network?startDate=2026-01-01T00:00:00Z&endDate=2026-01-08T00:00:00Z"
times, rows, pages, size = [], 0, 0, 0
seen = set()
while url:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        raw = response.read()
    times.append(time.perf_counter() - start)
    body = json.loads(raw)
    for row in body["results"]:
        seen.add((row["roundId"], row["agent"]["agentId"]))
    rows += len(body["results"])
    size += len(raw)
    pages += 1
    url = body["_links"].get("next", {}).get("href")
times_ms = sorted(t * 1000 for t in times)
print(f"{rows} rows ({len(seen)} distinct) in {pages} pages, {size / 1e6:.1f} MB; per page: "
      f"median {statistics.median(times_ms):.2f} ms, p95 {times_ms[int(len(times_ms) * 0.95)]:.2f} ms, "
      f"max {times_ms[-1]:.2f} ms; total {sum(times):.2f}s")
assert rows == len(seen) >= 100_000, "expected at least 100,000 distinct rows"
