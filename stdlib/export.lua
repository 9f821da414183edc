--- export: a test's results as a CSV table, one row per round and one column per agent.
---
--- `export.pivot_csv` is the guide's "export test data to a CSV file" in one call, done so that
--- it stays fast and flat in memory however long the range:
---
--- - only the members it needs are decoded, as values (`fields`, `as = "values"`): no table
---   per result;
--- - rows are streamed into the file as rounds complete (`rounds.stream`, a window of open
---   rounds), through `te.fs.open`, so the file appears only when it is complete;
--- - should the results not fit the stream (an agent that is not among `agents` returned
---   results, or a round's results came after later rounds), the streamed file is dropped and
---   the export runs again keeping every value in memory, with an info line saying why. Both
---   paths write the same bytes for the same results;
--- - with `out = "-"` rows printed cannot be taken back, so that export keeps its rows in
---   memory from the start.
---
--- ```lua
--- local test = te.tests.get(test_id, { expand = "agent" })
--- local summary = export.pivot_csv(te, test_id, "network", {
---   query = { window = "1h" }, metric = "avgLatency", agents = test.agents, out = "test_data.csv",
--- })
--- print(summary.rounds, summary.columns, summary.results, summary.duplicates)
--- ```
---
--- The table: `Round ID` (the round's epoch second), `Date` (the round as ISO 8601 UTC), then
--- one column per agent headed by its name, ordered by name (case-insensitive) then id; agents
--- sharing a name are headed `Name (agentId)`. Rows are in round order; a cell is empty where
--- the agent has no number for the metric in that round. When an agent has several values in
--- a round (agent-to-agent tests in both directions), the first is kept and counted in
--- `duplicates`.
local csv = require("csv")
local rounds = require("rounds")
local tables = require("tables")
local time = require("time")

local export = {}

---@class export.PivotOptions
---@field metric string       the member of each result that fills the cells (e.g. "avgLatency")
---@field out string          the CSV file under --out-dir, or "-" for stdout
---@field query? table        the results query: `window` or `startDate`/`endDate`, `direction`, ...
---@field agents? table[]     agents (`agentId`, `agentName`) that get a column even without results: the test's
---@field window? integer     rounds kept open while streaming (default 16, see `rounds.stream`)

---@class export.PivotSummary
---@field rounds integer      rows written (rounds)
---@field columns integer     agent columns
---@field results integer     results read (by the pass that wrote the file)
---@field duplicates integer  values dropped because the agent already had one in that round
---@field streamed boolean    whether the rows were streamed (false: kept in memory)
---@field fallback? string    why a streamed export was dropped and run again in memory

-- Adds an agent to `agents` (agentId as text -> { id, name }); returns it (nil without an id).
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

-- Streams rows into `job.out` as rounds complete, with `job.agents` as the columns. Returns the
-- summary, or nil and why when a result does not fit: the file is then not written.
local function export_streaming(te, job)
  local columns, header = layout(job.agents)
  local index = {} -- agentId -> cell index
  for i, a in ipairs(columns) do
    index[a.id] = i + 2
  end
  local width = #columns + 2
  local writer <close> = csv.file_writer(te.fs, job.out, { header = header })
  local stream = rounds.stream({
    window = job.window,
    new_row = function(round)
      return { round, time.format_iso(round), n = width }
    end,
    emit = function(row)
      writer:row(row)
    end,
  })
  local seen = 0
  for n, round, id, name, v in te.results.each(job.test_id, job.test_type, job.query, job.results_options) do
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
  return { rounds = stream.emitted, columns = #columns, results = seen, duplicates = stream.duplicates, streamed = true }
end

-- Keeps every value until the end, then writes the rows: any agent, any order.
local function export_in_memory(te, job)
  local agents = {}
  for id, a in pairs(job.agents) do
    agents[id] = { id = a.id, name = a.name }
  end
  local values = {} -- roundId -> { [agentId] = value }
  local round_list = {}
  local duplicates, seen = 0, 0
  for n, round, id, name, v in te.results.each(job.test_id, job.test_type, job.query, job.results_options) do
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
  local writer <close> = csv.file_writer(te.fs, job.out, { header = header })
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
  return { rounds = #round_list, columns = #columns, results = seen, duplicates = duplicates, streamed = false }
end

local function check(ok, message)
  if not ok then
    error("export.pivot_csv: " .. message, 3)
  end
end

--- Exports `metric` of test `test_id`'s results of `test_type` ("network", "http-server", ...)
--- as a CSV table: one row per round, one column per agent (see the module's description).
--- Reads the results once when they come in round order (as the API returns them), twice
--- when the streamed pass has to be dropped. API errors propagate, and leave no file.
---@param te table         the runbook's `te` (results.each, fs, log are used)
---@param test_id integer|string
---@param test_type string
---@param opts export.PivotOptions
---@return export.PivotSummary
function export.pivot_csv(te, test_id, test_type, opts)
  check(type(te) == "table" and type(te.results) == "table" and type(te.fs) == "table", "te must be the te module")
  check(math.type(test_id) == "integer" or (type(test_id) == "string" and test_id ~= ""), "test_id must be an integer or a non-empty string")
  check(type(test_type) == "string" and test_type ~= "", "test_type must be a string such as \"network\"")
  check(type(opts) == "table", "opts must be a table")
  check(type(opts.metric) == "string" and opts.metric ~= "", "opts.metric must be the name of a result member")
  check(type(opts.out) == "string" and opts.out ~= "", "opts.out must be a file name or \"-\"")
  check(opts.query == nil or type(opts.query) == "table", "opts.query must be a table")
  check(opts.agents == nil or type(opts.agents) == "table", "opts.agents must be a list of agents")
  check(opts.window == nil or (math.type(opts.window) == "integer" and opts.window >= 1), "opts.window must be a positive integer")
  local agents = {}
  for _, agent in ipairs(opts.agents or {}) do
    note_agent(agents, agent.agentId, agent.agentName)
  end
  local job = {
    test_id = tostring(test_id),
    test_type = test_type,
    query = opts.query or {},
    out = opts.out,
    window = opts.window,
    agents = agents,
    -- Only these members of each result are decoded, and they come as values: no table per result.
    results_options = { fields = { "roundId", "agent.agentId", "agent.agentName", opts.metric }, as = "values" },
  }
  if job.out == "-" then
    return export_in_memory(te, job)
  end
  local summary, why = export_streaming(te, job)
  if summary ~= nil then
    return summary
  end
  te.log.info("%s; exporting again, keeping the rows in memory", why)
  summary = export_in_memory(te, job)
  summary.fallback = why
  return summary
end

return export
