-- export_latency.lua: the guide's CSV export, done right. One row per test round (Round ID,
-- then the round's date), one column per agent (named, in a stable order), the chosen network
-- metric in the cells, an empty cell where an agent has no value. Only the members read are
-- decoded; rows are written to the file as rounds complete, and the file appears atomically
-- when the export is complete, so memory stays flat however long the range.
--
--   terun export_latency test_id=123456
--   terun export_latency test_id=123456 window=24h metric=loss out=loss.csv
--   terun export_latency test_id=123456 start=2026-11-27T00:00:00Z end=2026-11-27T06:00:00Z out=-

runbook {
  name = "export_latency",
  description = "Exports a network metric of a test, one row per round and one column per agent, as CSV.",
  params = {
    test_id = { type = "integer", required = true, help = "the test's testId" },
    window = { type = "duration", default = "1h", help = "how far back from now: 30m, 1h, 24h, 7d (ignored when start is given)" },
    start = { type = "datetime", help = "start of the range, ISO 8601 (e.g. 2026-11-27T00:00:00Z)" },
    ["end"] = { type = "datetime", help = "end of the range, ISO 8601 (default now; needs start)" },
    metric = { type = "enum", values = { "avgLatency", "loss", "jitter", "minLatency", "maxLatency" }, default = "avgLatency", help = "the network metric to export" },
    out = { type = "string", default = "test_data.csv", help = "output CSV under --out-dir, or - for stdout" },
    direction = { type = "enum", values = { "to-target", "from-target", "bidirectional" }, help = "agent-to-agent tests: which direction's results" },
  },
}

local csv = require("csv")
local rounds = require("rounds")
local tables = require("tables")
local time = require("time")

local params = te.params
local test_id = tostring(params.test_id)
local metric = params.metric or "avgLatency"
local out = params.out or "test_data.csv"
local now = time.to_epoch(te.now and te.now()) or time.now()
local range = time.range(params, now)

local query = range.query
if params.direction then
  query.direction = params.direction
end
-- Only these members of each result are decoded, and they come as values: no table per result.
local results_options = { fields = { "roundId", "agent.agentId", "agent.agentName", metric }, as = "values" }

-- The columns: one per agent, ordered by name, then id. Names shared by several agents get
-- their id. Returns the columns ({ id, name }) and the header row.
local function layout(agents)
  local columns = tables.sort_by(tables.values(agents), function(a)
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
  return columns, header
end

-- Adds an agent to `agents` (agentId -> { id, name }); returns it.
local function note_agent(agents, id, name)
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
local test_agents = {}
for _, agent in ipairs(test.agents or {}) do
  note_agent(test_agents, agent.agentId, agent.agentName)
end

te.log.info('exporting %s of test %s "%s" (%s), %s', metric, test_id, tostring(test.testName), tostring(test.type), range.label)

-- Streams rows into `out` as rounds complete, with the test's agents as columns. Returns the
-- summary, or nil and why when a result does not fit (an agent outside the test, or a round
-- out of order): the file is then not written, and the caller exports again in memory.
local function export_streaming()
  local columns, header = layout(test_agents)
  local index = {} -- agentId -> cell index
  for i, a in ipairs(columns) do
    index[a.id] = i + 2
  end
  local width = #columns + 2
  local writer = csv.file_writer(te.fs, out, { header = header, newline = "\r\n" })
  local stream = rounds.stream({
    new_row = function(round)
      return { round, time.format_iso(round), n = width }
    end,
    emit = function(row)
      writer:row(row)
    end,
  })
  local seen = 0
  for n, round, id, name, v in te.results.each(test_id, "network", query, results_options) do
    seen = n
    if round ~= nil and id ~= nil then
      local cell = index[id] or index[tostring(id)]
      if cell == nil then
        writer:abort()
        return nil, string.format("agent %s (%s), not assigned to the test, returned results", tostring(id), tostring(name))
      end
      if not stream:add(round, cell, type(v) == "number" and v or nil) then
        writer:abort()
        return nil, string.format("results of round %s came after later rounds", tostring(round))
      end
    end
  end
  stream:finish()
  writer:close()
  return { rounds = stream.emitted, columns = #columns, results = seen, duplicates = stream.duplicates }
end

-- Keeps every value until the end, then writes the rows: any agent, any order.
local function export_in_memory()
  local agents = {}
  for id, a in pairs(test_agents) do
    agents[id] = { id = a.id, name = a.name }
  end
  local values = {} -- roundId -> { [agentId] = value }
  local round_list = {}
  local duplicates, seen = 0, 0
  for n, round, id, name, v in te.results.each(test_id, "network", query, results_options) do
    seen = n
    local a = note_agent(agents, id, name)
    if round ~= nil and a then
      local row = values[round]
      if not row then
        row = {}
        values[round] = row
        round_list[#round_list + 1] = round
      end
      if type(v) == "number" then
        if row[a.id] ~= nil then
          duplicates = duplicates + 1
        else
          row[a.id] = v
        end
      end
    end
  end
  local columns, header = layout(agents)
  table.sort(round_list)
  local writer = csv.file_writer(te.fs, out, { header = header, newline = out == "-" and "\n" or "\r\n" })
  for _, round in ipairs(round_list) do
    local row = { round, time.format_iso(round) }
    local cells = values[round]
    for i, a in ipairs(columns) do
      row[i + 2] = cells[a.id]
    end
    row.n = #columns + 2
    writer:row(row)
  end
  writer:close()
  return { rounds = #round_list, columns = #columns, results = seen, duplicates = duplicates }
end

-- To a file: streamed. To stdout (out=-), rows printed cannot be taken back: in memory.
local summary, why
if out ~= "-" then
  summary, why = export_streaming()
  if summary == nil then
    te.log.info("%s; exporting again, keeping the rows in memory", why)
  end
end
summary = summary or export_in_memory()

if summary.duplicates > 0 then
  te.log.warn("%d result(s) repeated an agent within a round; the first value was kept (set direction= for agent-to-agent tests)", summary.duplicates)
end
te.log.info("%d result(s) read", summary.results)
if out ~= "-" then
  print(string.format("Wrote %d round(s) x %d agent(s) of %s to %s", summary.rounds, summary.columns, metric, out))
end
