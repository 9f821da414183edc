"""The users CSV of the rate-limit benchmark, read the same way by every Python baseline.

Each baseline prints one JSON line on stdout: {"requests": N, "rate_limited": N, "created": N}.
"""

import csv
import json
import sys


def read_users(path):
  """The rows of a name,email,account_group,roles CSV (account_group is an aid here)."""
  with open(path, newline="") as f:
    return list(csv.DictReader(f))


def body(row, role_id):
  """The POST /v7/users body for a row."""
  aid = row["account_group"]
  return {
    "name": row["name"],
    "email": row["email"],
    "loginAccountGroupId": aid,
    "accountGroupRoles": [{"accountGroupId": aid, "roleIds": [role_id]}],
  }


def report(requests, rate_limited, created):
  print(json.dumps({"requests": requests, "rate_limited": rate_limited, "created": created}))
  sys.stdout.flush()
