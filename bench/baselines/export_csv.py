"""The CSV that `terun export_latency` writes, for the Python baselines (guide_export.py and
sdk_export.py): one row per round, one column per agent, so the harness can check that all
tools wrote the same bytes.

- Columns: agents ordered by name (lowercased), then id; a name shared by several agents
  gets its agentId appended.
- CRLF line ends; numbers as terun's csv module writes them (integers as they are, floats
  the shortest of %.15g..%.17g that round-trips, so 45.0 is 45); empty cells where an agent
  has no value.
"""

import csv
from datetime import datetime, timezone


def lua_number(value):
  """Formats a number as terun's csv module does: integers as is, floats shortest of %.15g-%.17g."""
  if value is None:
    return None
  if isinstance(value, int):
    return str(value)
  for digits in (15, 16, 17):
    text = "%.*g" % (digits, value)
    if float(text) == value:
      return text
  return "%.17g" % value


def write_export(path, agent_names, data_by_round):
  """Writes the export: agent_names is agentId -> agentName, data_by_round roundId -> {agentId: value}."""
  agent_ids = sorted(agent_names, key=lambda i: ((agent_names[i] or "").lower(), i.rjust(20)))
  name_count = {}
  for agent_id in agent_ids:
    name = agent_names[agent_id] or agent_id
    name_count[name] = name_count.get(name, 0) + 1
  header = ["Round ID", "Date"]
  for agent_id in agent_ids:
    name = agent_names[agent_id] or agent_id
    header.append(f"{name} ({agent_id})" if name_count[name] > 1 else name)
  with open(path, "w", newline="") as f:
    writer = csv.writer(f, lineterminator="\r\n")
    writer.writerow(header)
    for round_id in sorted(data_by_round):
      values = data_by_round[round_id]
      date = datetime.fromtimestamp(round_id, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
      writer.writerow([round_id, date, *[lua_number(values.get(a)) for a in agent_ids]])
