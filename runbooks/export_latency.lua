-- export_latency.lua: the guide's CSV export, done right. One row per test round (Round ID,
-- then the round's date), one column per agent (named, in a stable order), the chosen network
-- metric in the cells, an empty cell where an agent has no value. Result pages are streamed;
-- the file is written atomically when the export is complete.
--
--   terun export_latency test_id=123456
--   terun export_latency test_id=123456 window=24h metric=loss out=loss.csv
--   terun export_latency test_id=123456 start=2026-11-27T00:00:00Z end=2026-11-27T06:00:00Z out=-

runbook {
  name = "export_latency",
  description = "Exports a network metric of a test, one row per round and one column per agent, as CSV.",
  params = {
    test_id = { type = "integer", required = true, help = "the test's testId" },
    window = { type = "string", default = "1h", help = "how far back from now: 30m, 1h, 24h, 7d (ignored when start is given)" },
    start = { type = "string", help = "start of the range, ISO 8601 (e.g. 2026-11-27T00:00:00Z)" },
    ["end"] = { type = "string", help = "end of the range, ISO 8601 (default now; needs start)" },
    metric = { type = "enum", values = { "avgLatency", "loss", "jitter", "minLatency", "maxLatency" }, default = "avgLatency", help = "the network metric to export" },
    out = { type = "string", default = "test_data.csv", help = "output CSV under --out-dir, or - for stdout" },
    direction = { type = "enum", values = { "to-target", "from-target", "bidirectional" }, help = "agent-to-agent tests: which direction's results" },
  },
}

local csv = require("csv")
local tablex = require("tablex")
local time = require("time")

local params = te.params
local test_id = tostring(params.test_id)
local metric = params.metric or "avgLatency"
local out = params.out or "test_data.csv"
local now = time.to_epoch(te.now and te.now()) or time.now()
local range = time.range({ window = params.window, start = params.start, ["end"] = params["end"] }, now)

local query = range.query
if params.direction then
  query.direction = params.direction
end

-- Columns: agents keyed by agentId, each with a name; values by round then agent.
local agents = {} -- agentId -> { id = ..., name = ... }
local values = {} -- roundId -> { [agentId] = value }
local rounds = {} -- list of roundIds in first-seen order
local duplicates, results_seen = 0, 0

local function note_agent(id, name)
  if id == nil then
    return nil
  end
  id = tostring(id)
  local a = agents[id]
  if not a then
    a = { id = id, name = name }
    agents[id] = a
  elseif (a.name == nil or a.name == "") and name then
    a.name = name
  end
  return a
end

-- The test's own agents give columns even to agents that returned nothing in the range.
local test = te.tests.get(test_id, { expand = "agent" })
for _, agent in ipairs(test.agents or {}) do
  note_agent(agent.agentId, agent.agentName)
end

te.log.info('exporting %s of test %s "%s" (%s), %s', metric, test_id, tostring(test.testName), tostring(test.type), range.label)

for result in te.results.each(test_id, "network", query) do
  results_seen = results_seen + 1
  local round = result.roundId
  local agent = result.agent or {}
  local a = note_agent(agent.agentId, agent.agentName)
  if round ~= nil and a then
    local row = values[round]
    if not row then
      row = {}
      values[round] = row
      rounds[#rounds + 1] = round
    end
    local v = result[metric]
    if type(v) == "number" then
      if row[a.id] ~= nil then
        duplicates = duplicates + 1
      else
        row[a.id] = v
      end
    end
  end
end

-- Stable column order: by agent name, then id. Names shared by several agents get their id.
local columns = tablex.sort_by(tablex.values(agents), function(a)
  return tostring(a.name or ""):lower() .. "\0" .. string.format("%20s", a.id)
end)
local name_count = {}
for _, a in ipairs(columns) do
  local n = a.name or a.id
  name_count[n] = (name_count[n] or 0) + 1
end
local header = { "Round ID", "Date" }
for _, a in ipairs(columns) do
  local n = a.name or a.id
  header[#header + 1] = name_count[n] > 1 and string.format("%s (%s)", n, a.id) or n
end

table.sort(rounds)
local writer = csv.file_writer(te.fs, out, { header = header, newline = out == "-" and "\n" or "\r\n" })
for _, round in ipairs(rounds) do
  local row = { round, time.format_iso(round) }
  local cells = values[round]
  for i, a in ipairs(columns) do
    row[i + 2] = cells[a.id]
  end
  row.n = #columns + 2
  writer:row(row)
end
writer:close()

if duplicates > 0 then
  te.log.warn("%d result(s) repeated an agent within a round; the first value was kept (set direction= for agent-to-agent tests)", duplicates)
end
te.log.info("%d result(s) read", results_seen)
if out ~= "-" then
  print(string.format("Wrote %d round(s) x %d agent(s) of %s to %s", #rounds, #columns, metric, out))
end
