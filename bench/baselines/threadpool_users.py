"""A naive parallel client: a thread pool of 8 sending POST /v7/users with requests, without
pacing. A 429 is waited out (its Retry-After, else the reset header) and the user sent again.

Usage: threadpool_users.py BASE_URL TOKEN CSV ROLE_ID
"""

import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from guide_users import wait_for
from users_csv import body, read_users, report

import time

counts = {"requests": 0, "rate_limited": 0, "created": 0}
lock = threading.Lock()
local = threading.local()


def session(token):
  if not hasattr(local, "session"):
    local.session = requests.Session()
    local.session.headers["Authorization"] = f"Bearer {token}"
  return local.session


def create(base_url, token, row, role_id):
  while True:
    response = session(token).post(f"{base_url}/v7/users", json=body(row, role_id), timeout=60)
    with lock:
      counts["requests"] += 1
      if response.status_code == 429:
        counts["rate_limited"] += 1
    if response.status_code == 429:
      time.sleep(wait_for(response))
      continue
    response.raise_for_status()
    with lock:
      counts["created"] += 1
    return


def main():
  base_url, token, path, role_id = sys.argv[1:5]
  with ThreadPoolExecutor(max_workers=8) as pool:
    for future in [pool.submit(create, base_url, token, row, role_id) for row in read_users(path)]:
      future.result()
  report(counts["requests"], counts["rate_limited"], counts["created"])


if __name__ == "__main__":
  main()
