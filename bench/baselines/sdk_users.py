"""Bulk user creation with the official SDK (thousandeyes-sdk-administrative 6.0.0):
UsersApi.create_user for each row. The SDK retries a 429 itself (ThousandEyesRetry waits for
Retry-After or the X-Organization-Rate-Limit-Reset header); a subclass only counts them.

Usage: sdk_users.py BASE_URL TOKEN CSV ROLE_ID
"""

import sys

from thousandeyes_sdk.administrative import UsersApi
from thousandeyes_sdk.administrative.models import UserAccountGroupRole, UserRequest
from thousandeyes_sdk.core import ApiClient, Configuration
from thousandeyes_sdk.core.thousandeyes_retry import ThousandEyesRetry

from users_csv import read_users, report

rate_limited = 0


class CountingRetry(ThousandEyesRetry):
  """The SDK's retry policy, counting the 429s it retries."""

  def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
    global rate_limited
    if response is not None and response.status == 429:
      rate_limited += 1
    return super().increment(method, url, response, error, _pool, _stacktrace)


def main():
  base_url, token, path, role_id = sys.argv[1:5]
  configuration = Configuration(host=f"{base_url}/v7", access_token=token)
  configuration.retries = CountingRetry()
  created = 0
  with ApiClient(configuration) as client:
    users = UsersApi(client)
    for row in read_users(path):
      aid = row["account_group"]
      users.create_user(UserRequest(
        name=row["name"], email=row["email"], login_account_group_id=aid,
        account_group_roles=[UserAccountGroupRole(account_group_id=aid, role_ids=[role_id])]))
      created += 1
  report(created + rate_limited, rate_limited, created)


if __name__ == "__main__":
  main()
