-- export_latency_stream.lua: runbooks/export_latency.lua's CSV, written row by row as the
-- results arrive, to show what bounds export_latency's memory (bench/run's tool "s").
--
-- export_latency keeps every value until the end (rounds x agents), so its peak memory grows
-- with the window. This variant takes the columns from the test's agents up front and writes a
-- round's row as soon as the next round starts: it holds one row, whatever the window. It
-- relies on what the API returns: results ordered by round (it stops with an error otherwise)
-- and only the test's own agents (it stops on any other).
--
--   terun run bench/runbooks/export_latency_stream.lua test_id=123456 start=... end=... out=x.csv

runbook {
  name = "export_latency_stream",
  description = "export_latency's CSV, streamed: one row in memory at a time (a benchmark variant).",
  params = {
    test_id = { type = "integer", required = true, help = "the test's testId" },
    start = { type = "string", required = true, help = "start of the range, ISO 8601" },
    ["end"] = { type = "string", required = true, help = "end of the range, ISO 8601" },
    metric = { type = "enum", values = { "avgLatency", "loss", "jitter", "minLatency", "maxLatency" }, default = "avgLatency", help = "the network metric to export" },
    out = { type = "string", default = "test_data.csv", help = "output CSV under --out-dir" },
  },
}

local csv = require("csv")
local tablex = require("tablex")
local time = require("time")

local params = te.params
local test_id = tostring(params.test_id)
local metric = params.metric or "avgLatency"
local range = time.range({ start = params.start, ["end"] = params["end"] }, time.now())

-- Columns: the test's agents, ordered and named as export_latency orders and names them.
local test = te.tests.get(test_id, { expand = "agent" })
local agents = {}
for _, agent in ipairs(test.agents or {}) do
  agents[#agents + 1] = { id = tostring(agent.agentId), name = agent.agentName }
end
local columns = tablex.sort_by(agents, function(a)
  return tostring(a.name or ""):lower() .. "\0" .. string.format("%20s", a.id)
end)
local name_count = {}
for _, a in ipairs(columns) do
  local n = a.name or a.id
  name_count[n] = (name_count[n] or 0) + 1
end
local header = { "Round ID", "Date" }
local column_of = {}
for i, a in ipairs(columns) do
  local n = a.name or a.id
  header[#header + 1] = name_count[n] > 1 and string.format("%s (%s)", n, a.id) or n
  column_of[a.id] = i + 2
end
local width = #columns + 2

local writer = csv.file_writer(te.fs, params.out, { header = header, newline = "\r\n" })
local row, current, rows = nil, nil, 0
for result in te.results.each(test_id, "network", range.query) do
  local round = result.roundId
  if round ~= current then
    if row then
      writer:row(row)
      rows = rows + 1
    end
    if current and round < current then
      error(string.format("results are not ordered by round: %d after %d", round, current))
    end
    current = round
    row = { round, time.format_iso(round), n = width }
  end
  local agent = result.agent or {}
  local column = column_of[tostring(agent.agentId)]
  if column == nil then
    error(string.format("agent %s is not one of the test's agents", tostring(agent.agentId)))
  end
  local v = result[metric]
  if type(v) == "number" and row[column] == nil then
    row[column] = v
  end
end
if row then
  writer:row(row)
  rows = rows + 1
end
writer:close()
print(string.format("Wrote %d round(s) x %d agent(s) of %s to %s", rows, #columns, metric, params.out))
