-- Unit tests for stdlib/export.lua, against a small fake te (results, fs, log).
local suite = ...
local describe, it, assert = suite.describe, suite.it, suite.assert
local csv = require("csv")
local export = require("export")
local testing = require("testing")
local time = require("time")

local T0 = 1795748400 -- 2026-11-27T03:00:00Z

local function at_path(item, path)
  local v = item
  for key in path:gmatch("[^.]+") do
    if type(v) ~= "table" then
      return nil
    end
    v = v[key]
  end
  return v
end

-- A fake te whose results.each serves `results` (as the real one: `as = "values"` yields the
-- position, then the fields' values). `fail_after` raises an API error after that many results.
local function fake(results, fail_after)
  local te = { reads = {}, opened = {}, files = {}, logs = {}, printed = {} }
  te.results = {
    each = function(test_id, test_type, query, options)
      te.reads[#te.reads + 1] = { test_id = test_id, test_type = test_type, query = query, options = options }
      local i = 0
      return function()
        i = i + 1
        if fail_after and i > fail_after then
          error("te: GET /test-results: 503 Service Unavailable", 0)
        end
        local r = results[i]
        if r == nil then
          return nil
        end
        local values = {}
        for f, path in ipairs(options.fields) do
          values[f] = at_path(r, path)
        end
        return i, table.unpack(values, 1, #options.fields)
      end
    end,
  }
  te.fs = {
    open = function(path)
      local w = testing.capture_writer(path, function(p, text)
        te.files[p] = text
      end)
      te.opened[#te.opened + 1] = w
      return w
    end,
  }
  te.log = {
    info = function(fmt, ...)
      te.logs[#te.logs + 1] = string.format(fmt, ...)
    end,
  }
  return te
end

local function result(round, id, name, value)
  return { roundId = round, agent = { agentId = id, agentName = name }, avgLatency = value, loss = 0 }
end

-- Three rounds of three agents; "9" has no value in the second round, two agents share a name.
local function sample()
  local rs = {}
  for r = 0, 2 do
    local round = T0 + r * 600
    rs[#rs + 1] = result(round, "3", "Singapore", 40 + r)
    rs[#rs + 1] = result(round, "7", "Boston, MA", 12.5)
    rs[#rs + 1] = result(round, "9", "Singapore", r ~= 1 and 25 or nil)
  end
  return rs
end

local AGENTS = {
  { agentId = "9", agentName = "Singapore" },
  { agentId = "3", agentName = "Singapore" },
  { agentId = "7", agentName = "Boston, MA" },
  { agentId = "11", agentName = "austin" },
}

local function pivot(te, out, agents, extra)
  local opts = { metric = "avgLatency", out = out, agents = agents, query = { window = "1h" } }
  for k, v in pairs(extra or {}) do
    opts[k] = v
  end
  return export.pivot_csv(te, 123456, "network", opts)
end

describe("export.pivot_csv", function()
  it("streams one row per round and one named column per agent, in one pass", function()
    local te = fake(sample())
    local summary = pivot(te, "a.csv", AGENTS)
    local expected = table.concat({
      'Round ID,Date,austin,"Boston, MA",Singapore (3),Singapore (9)',
      T0 .. ",2026-11-27T03:00:00Z,,12.5,40,25",
      (T0 + 600) .. ",2026-11-27T03:10:00Z,,12.5,41,",
      (T0 + 1200) .. ",2026-11-27T03:20:00Z,,12.5,42,25",
      "",
    }, "\r\n")
    assert.equals(expected, te.files["a.csv"])
    assert.same({ rounds = 3, columns = 4, results = 9, duplicates = 0, streamed = true }, summary)
    assert.equals(1, #te.reads)
    assert.same({ test_id = "123456", test_type = "network", query = { window = "1h" },
      options = { fields = { "roundId", "agent.agentId", "agent.agentName", "avgLatency" }, as = "values" } }, te.reads[1])
    assert.same({}, te.logs)
  end)

  it("writes the same bytes when it has to keep the rows in memory", function()
    local streamed = fake(sample())
    pivot(streamed, "a.csv", AGENTS)
    -- No agents given: the first result is an unknown agent, so the export runs in memory.
    local buffered = fake(sample())
    local summary = pivot(buffered, "a.csv", { AGENTS[4] })
    assert.equals(2, #buffered.reads)
    assert.falsy(summary.streamed)
    assert.equals("agent 3 (Singapore), not assigned to the test, returned results", summary.fallback)
    assert.equals(streamed.files["a.csv"], buffered.files["a.csv"])
    assert.equals("aborted", buffered.opened[1].state, "the streamed pass left no file")
    assert.equals("closed", buffered.opened[2].state)
    assert.same({ "agent 3 (Singapore), not assigned to the test, returned results; exporting again, keeping the rows in memory" }, buffered.logs)
  end)

  it("runs again in memory when a round comes after the window moved past it", function()
    local rs = {}
    for r = 0, 19 do
      rs[#rs + 1] = result(T0 + r * 600, "3", "Singapore", r)
    end
    table.insert(rs, table.remove(rs, 1)) -- the first round's result comes last
    local te = fake(rs)
    local summary = pivot(te, "late.csv", AGENTS)
    assert.equals(2, #te.reads)
    assert.equals("results of round " .. T0 .. " came after later rounds", summary.fallback)
    local rows = csv.parse(te.files["late.csv"])
    assert.equals(21, #rows)
    for i = 2, #rows do
      assert.equals(tostring(T0 + (i - 2) * 600), rows[i][1], "rows in round order")
      assert.equals(tostring(i - 2), rows[i][5], "Singapore (3)'s value")
    end
  end)

  it("keeps rounds that come out of order within the window in one pass", function()
    local rs = sample()
    table.insert(rs, 1, table.remove(rs, 4)) -- a result of the second round comes first
    local te = fake(rs)
    local summary = pivot(te, "a.csv", AGENTS)
    assert.truthy(summary.streamed)
    assert.equals(1, #te.reads)
    local ordered = fake(sample())
    pivot(ordered, "a.csv", AGENTS)
    assert.equals(ordered.files["a.csv"], te.files["a.csv"])
    -- A window of one round cannot wait for it: the export runs again in memory, same bytes.
    local narrow = fake(rs)
    summary = pivot(narrow, "a.csv", AGENTS, { window = 1 })
    assert.falsy(summary.streamed)
    assert.equals(ordered.files["a.csv"], narrow.files["a.csv"])
  end)

  it("prints to stdout with LF line ends for out=-, in one pass and without a file", function()
    local te = fake(sample())
    local printed = {}
    local saved = _ENV.print
    _ENV.print = function(text)
      printed[#printed + 1] = text
    end
    local ok, summary = pcall(pivot, te, "-", AGENTS)
    _ENV.print = saved
    assert.truthy(ok, summary)
    local text = table.concat(printed, "\n") .. "\n"
    local file = fake(sample())
    pivot(file, "a.csv", AGENTS)
    assert.equals((file.files["a.csv"]:gsub("\r\n", "\n")), text)
    assert.equals(1, #te.reads)
    assert.equals(0, #te.opened)
    assert.falsy(summary.streamed)
  end)

  it("keeps the first of repeated values in a round and counts the others, on both paths", function()
    local rs = sample()
    table.insert(rs, 2, result(T0, "3", "Singapore", 99))
    for _, agents in ipairs({ AGENTS, {} }) do
      local te = fake(rs)
      local summary = pivot(te, "a.csv", agents)
      assert.equals(1, summary.duplicates)
      assert.equals(10, summary.results)
      local rows = csv.parse(te.files["a.csv"])
      assert.equals("40", rows[2][agents == AGENTS and 5 or 4], "the first value is kept")
    end
  end)

  it("leaves no file when the API fails in the middle, and the error propagates", function()
    for _, agents in ipairs({ AGENTS, {} }) do
      local te = fake(sample(), 4)
      assert.error_matches(function()
        pivot(te, "a.csv", agents)
      end, "503 Service Unavailable")
      assert.is_nil(te.files["a.csv"])
      for _, w in ipairs(te.opened) do
        assert.equals("aborted", w.state)
      end
    end
  end)

  it("writes a header alone when the range has no results", function()
    local te = fake({})
    local summary = pivot(te, "a.csv", AGENTS)
    assert.equals('Round ID,Date,austin,"Boston, MA",Singapore (3),Singapore (9)\r\n', te.files["a.csv"])
    assert.equals(0, summary.rounds)
  end)

  it("exports another metric, and ignores results without a round or an agent", function()
    local rs = sample()
    rs[#rs + 1] = { roundId = T0, avgLatency = 1 }
    rs[#rs + 1] = { agent = { agentId = "3" }, avgLatency = 1 }
    local te = fake(rs)
    local summary = pivot(te, "loss.csv", AGENTS, { metric = "loss" })
    assert.truthy(summary.streamed)
    assert.equals(11, summary.results)
    local rows = csv.parse(te.files["loss.csv"])
    assert.same({ tostring(T0), time.format_iso(T0), "", "0", "0", "0" }, rows[2])
    assert.equals("loss", te.reads[1].options.fields[4])
  end)

  it("refuses bad arguments naming the argument", function()
    local te = fake({})
    local cases = {
      { function() export.pivot_csv(nil, 1, "network", { metric = "m", out = "a" }) end, "export.pivot_csv: te must be the te module" },
      { function() export.pivot_csv(te, 1.5, "network", { metric = "m", out = "a" }) end, "test_id must be an integer" },
      { function() export.pivot_csv(te, 1, nil, { metric = "m", out = "a" }) end, "test_type must be a string" },
      { function() export.pivot_csv(te, 1, "network") end, "opts must be a table" },
      { function() export.pivot_csv(te, 1, "network", { out = "a" }) end, "opts.metric must be" },
      { function() export.pivot_csv(te, 1, "network", { metric = "m", out = "" }) end, "opts.out must be" },
      { function() export.pivot_csv(te, 1, "network", { metric = "m", out = "a", query = "1h" }) end, "opts.query must be a table" },
      { function() export.pivot_csv(te, 1, "network", { metric = "m", out = "a", agents = "x" }) end, "opts.agents must be" },
      { function() export.pivot_csv(te, 1, "network", { metric = "m", out = "a", window = 0 }) end, "opts.window must be a positive integer" },
    }
    for _, case in ipairs(cases) do
      local err = assert.has_error(case[1], case[2])
      assert.truthy(tostring(err):find("export.pivot_csv: ", 1, true), tostring(err))
    end
    assert.equals(0, #te.opened, "nothing was opened")
  end)
end)
