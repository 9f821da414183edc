"""The same export with the official SDK (thousandeyes-sdk-test-results 6.0.0).

NetworkTestResultsApi.get_test_network_results_paginated is the SDK's paginated iterator: it
calls the endpoint, validates each page into pydantic models and follows the cursor of
`_links.next`. The CSV is the one `terun export_latency` writes (export_csv.py, shared with
guide_export.py).

Usage: sdk_export.py BASE_URL TOKEN TEST_ID START END OUT [METRIC]
"""

import sys
from datetime import datetime

from export_csv import write_export
from thousandeyes_sdk.core import ApiClient, Configuration
from thousandeyes_sdk.test_results import NetworkTestResultsApi

ATTRIBUTES = {
  "avgLatency": "avg_latency",
  "minLatency": "min_latency",
  "maxLatency": "max_latency",
  "jitter": "jitter",
  "loss": "loss",
}


def parse_date(text):
  return datetime.fromisoformat(text.replace("Z", "+00:00"))


def main():
  base_url, token, test_id, start, end, out = sys.argv[1:7]
  attribute = ATTRIBUTES[sys.argv[7] if len(sys.argv) > 7 else "avgLatency"]
  configuration = Configuration(host=f"{base_url}/v7", access_token=token)
  # The SDK's default, "%Y-%m-%dT%H:%M:%S.%f%z", sends "+0000", which the simulator refuses as
  # not ISO 8601 (RFC 3339 wants "+00:00"); dates here are UTC, so "Z" says the same thing.
  configuration.datetime_format = "%Y-%m-%dT%H:%M:%SZ"
  agent_names = {}
  data_by_round = {}
  with ApiClient(configuration) as client:
    api = NetworkTestResultsApi(client)
    results = api.get_test_network_results_paginated(
      test_id=test_id, start_date=parse_date(start), end_date=parse_date(end))
    for result in results:
      agent_id = result.agent.agent_id
      agent_names.setdefault(agent_id, result.agent.agent_name)
      data_by_round.setdefault(result.round_id, {}).setdefault(agent_id, getattr(result, attribute))

  write_export(out, agent_names, data_by_round)


if __name__ == "__main__":
  main()
