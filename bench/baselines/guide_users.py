"""The guide's way of creating users in bulk: one POST /v7/users at a time with requests, no
pacing. A 429 is waited out (its Retry-After, else the reset header) and the user sent again.

Usage: guide_users.py BASE_URL TOKEN CSV ROLE_ID
"""

import sys
import time

import requests

from users_csv import body, read_users, report


def wait_for(response):
  retry_after = response.headers.get("Retry-After")
  if retry_after:
    return float(retry_after)
  reset = response.headers.get("X-Organization-Rate-Limit-Reset")
  return max(0.0, float(reset) - time.time()) if reset else 1.0


def main():
  base_url, token, path, role_id = sys.argv[1:5]
  session = requests.Session()
  session.headers["Authorization"] = f"Bearer {token}"
  sent = limited = created = 0
  for row in read_users(path):
    while True:
      sent += 1
      response = session.post(f"{base_url}/v7/users", json=body(row, role_id), timeout=60)
      if response.status_code == 429:
        limited += 1
        time.sleep(wait_for(response))
        continue
      response.raise_for_status()
      created += 1
      break
  report(sent, limited, created)


if __name__ == "__main__":
  main()
