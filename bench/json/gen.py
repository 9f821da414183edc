#!/usr/bin/env python3
"""Writes typical ThousandEyes API v7 JSON: pages of network test results.

Usage: gen.py OUT_DIR. Writes page_1mb.json (one page of results, about 1 MB) and
results_20mb.json (an object holding many pages' results, about 20 MB). Deterministic.
"""
import json
import os
import random
import sys

CITIES = [
    ("Tokyo, Japan", "Tokyo Area", "JP"), ("Frankfurt, Germany", "Frankfurt Area", "DE"),
    ("São Paulo, Brazil", "São Paulo Area", "BR"), ("Ashburn, VA", "Ashburn Area", "US"),
    ("Sydney, Australia", "Sydney Area", "AU"), ("Zürich, Switzerland", "Zurich Area", "CH"),
    ("Mumbai, India", "Mumbai Area", "IN"), ("London, England", "London Area", "GB"),
]


def result(rng, test_id, i):
    name, location, country = CITIES[i % len(CITIES)]
    agent_id = str(1000 + i % 97)
    latency = round(rng.uniform(1, 250), 3)
    ip = "203.0.%d.%d" % (rng.randrange(256), rng.randrange(256))
    return {
        "agent": {
            "agentId": agent_id,
            "agentName": name,
            "agentType": "cloud",
            "location": location,
            "countryId": country,
            "enabled": True,
            "ipAddresses": [ip, "2001:db8::%x" % rng.randrange(65536)],
            "publicIpAddresses": [ip],
            "network": "Example Transit (AS %d)" % rng.randrange(1000, 65000),
            "prefix": "203.0.0.0/16",
        },
        "testId": test_id,
        "roundId": 1732665600 + 60 * (i // 8),
        "date": "2026-11-27T00:%02d:00Z" % (i // 8 % 60),
        "serverIp": "198.51.100.%d" % (i % 256),
        "server": "www.example.com:443",
        "direction": "to-target",
        "avgLatency": latency,
        "minLatency": round(latency * 0.9, 3),
        "maxLatency": round(latency * 1.2, 3),
        "loss": rng.choice([0, 0, 0, 0.5, 1.25]),
        "jitter": round(rng.uniform(0, 5), 4),
        "pathMtu": rng.choice([1500, 1420]),
        "bandwidth": None,
        "_links": {
            "self": {"href": "https://api.thousandeyes.com/v7/test-results/%s/network?aid=1234" % test_id},
            "agent": {"href": "https://api.thousandeyes.com/v7/agents/%s" % agent_id},
        },
    }


def page(rng, test_id, first, count):
    return {
        "results": [result(rng, test_id, first + i) for i in range(count)],
        "test": {"testId": test_id, "testName": "Latency to \"example\"", "type": "agent-to-server",
                 "interval": 60, "protocol": "TCP", "createdDate": "2026-01-01T00:00:00Z"},
        "startDate": "2026-11-27T00:00:00Z",
        "endDate": "2026-11-27T01:00:00Z",
        "_links": {"self": {"href": "https://api.thousandeyes.com/v7/test-results/%s/network" % test_id},
                   "next": {"href": "https://api.thousandeyes.com/v7/test-results/%s/network?cursor=abc" % test_id}},
    }


def write(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, separators=(",", ":"))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(7)
    # One page of results is about 1 MB with 1,500 results.
    write(os.path.join(out, "page_1mb.json"), page(rng, "281474976710706", 0, 1500))
    write(os.path.join(out, "results_20mb.json"), page(rng, "281474976710706", 0, 30000))


if __name__ == "__main__":
    main()
