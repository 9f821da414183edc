"""The guide's "Exporting Test Data to a CSV File" script (requests + csv), completed.

The guide's sample reads one page of /v7/test-results/{testId}/network and writes the
rounds with an empty agent list. Completed here, and otherwise kept as the guide writes it
(requests.get per page, resp.json(), dicts of dicts, csv.writer):
  - follows `_links.next.href` until the last page;
  - fills the agent columns (every agentName seen; a name shared by several agents gets
    its agentId appended, the order is the name, lowercased, then the id);
  - adds the round's date, and writes the same CSV as `terun export_latency`: CRLF line
    ends, numbers as Lua's `%.15g`..`%.17g` shortest round trip (so `45.0` is `45`),
    empty cells where an agent has no value.

Usage: guide_export.py BASE_URL TOKEN TEST_ID START END OUT [METRIC]
"""

# Import standard modules
import sys

# Import third-party HTTP client package
import requests

# The CSV terun writes (columns, number format), shared with sdk_export.py
from export_csv import write_export

### Define HTTP request values
BASE_URL, OAUTH_BEARER_TOKEN, TEST_ID, START, END, OUT = sys.argv[1:7]
METRIC = sys.argv[7] if len(sys.argv) > 7 else "avgLatency"


# Make the HTTP request to the /v7/test-results/{testId}/network endpoint, including
# the Oauth bearer token and specifying the response must be JSON format; then follow
# the pages.
url = f"{BASE_URL}/v7/test-results/{TEST_ID}/network"
params = {"startDate": START, "endDate": END}
agent_names = {}  # agentId -> agentName
data_by_round = {}
while url:
  resp = requests.get(
    url,
    params=params,
    headers={"Authorization": f"Bearer {OAUTH_BEARER_TOKEN}", "Accept": "application/hal+json"},
  )
  resp.raise_for_status()
  resp_body = resp.json()

  # Parse the response JSON to store the metrics by test round so we can
  # later write each round as a row in the CSV file
  metrics = resp_body["results"]
  for metric in metrics:
    agent = metric["agent"]
    agent_names.setdefault(agent["agentId"], agent.get("agentName"))
    if metric["roundId"] not in data_by_round:
      data_by_round[metric["roundId"]] = {}
    data_by_round[metric["roundId"]].setdefault(agent["agentId"], metric.get(METRIC))

  url = resp_body.get("_links", {}).get("next", {}).get("href")
  params = None

# Write the data to a CSV file (columns by agent name; see export_csv.py)
write_export(OUT, agent_names, data_by_round)
