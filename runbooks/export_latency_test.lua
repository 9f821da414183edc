-- export_latency_test.lua: runs export_latency against the simulator and checks its CSV
-- against the test's results read independently through te.
local testing = require("testing")
local csv = require("csv")
local time = require("time")
local describe, it, assert = testing.describe, testing.it, testing.assert

local TEST_ID = 123456

-- A fixed past range of whole rounds, so the runbook and the check read the same rounds.
local function fixed_range()
  local finish = time.floor(time.now(), 600) - 600
  local start = finish - 3 * 3600
  return time.format_iso(start), time.format_iso(finish)
end

-- The CSV the runbook should write, built from te.tests.get and te.results.list.
local function expected_rows(metric, start, finish)
  local test = te.tests.get(TEST_ID, { expand = "agent" })
  local names = {}
  for _, agent in ipairs(test.agents) do
    names[#names + 1] = { id = tostring(agent.agentId), name = agent.agentName }
  end
  table.sort(names, function(a, b)
    return a.name:lower() < b.name:lower()
  end)
  local header = { "Round ID", "Date" }
  for _, a in ipairs(names) do
    header[#header + 1] = a.name
  end
  local by_round, rounds = {}, {}
  for _, result in ipairs(te.results.list(TEST_ID, "network", { startDate = start, endDate = finish })) do
    local row = by_round[result.roundId]
    if not row then
      row = {}
      by_round[result.roundId] = row
      rounds[#rounds + 1] = result.roundId
    end
    row[tostring(result.agent.agentId)] = result[metric]
  end
  table.sort(rounds)
  local rows = { header }
  for _, round in ipairs(rounds) do
    local row = { tostring(round), time.format_iso(round) }
    for _, a in ipairs(names) do
      local v = by_round[round][a.id]
      row[#row + 1] = v == nil and "" or v
    end
    rows[#rows + 1] = row
  end
  return rows
end

-- Compares a parsed CSV with expected rows: text cells exactly, numbers by value.
local function assert_rows(expected, actual)
  assert.equals(#expected, #actual, "row count")
  for r, row in ipairs(expected) do
    assert.equals(#row, #actual[r], "field count of row " .. r)
    for c, want in ipairs(row) do
      local got = actual[r][c]
      if type(want) == "number" then
        -- By value: a float such as 171.0 is written as 171 (csv keeps integers from gaining ".0").
        assert.truthy(tonumber(got) == want, string.format("row %d column %d (%s): expected %s, got %q", r, c, expected[1][c], tostring(want), got))
        if math.type(want) == "integer" then
          assert.is_nil(got:find("%."), "an integer stays an integer")
        end
      else
        assert.equals(want, got, string.format("row %d column %d", r, c))
      end
    end
  end
end

describe("export_latency", function()
  it("prints one row per round and one column per agent (avgLatency by default)", function()
    local start, finish = fixed_range()
    local run = te.run_runbook("export_latency", { test_id = TEST_ID, start = start, ["end"] = finish, out = "-" })
    assert.is_true(run.ok, run.error)
    local rows = csv.parse(run.stdout)
    local expected = expected_rows("avgLatency", start, finish)
    assert.equals(18 + 1, #expected, "three hours of 10-minute rounds")
    assert_rows(expected, rows)
  end)

  for _, metric in ipairs({ "loss", "jitter", "minLatency", "maxLatency" }) do
    it("exports metric=" .. metric, function()
      local start, finish = fixed_range()
      local run = te.run_runbook("export_latency", { test_id = TEST_ID, start = start, ["end"] = finish, metric = metric, out = "-" })
      assert.is_true(run.ok, run.error)
      assert_rows(expected_rows(metric, start, finish), csv.parse(run.stdout))
    end)
  end

  it("takes the last hour with window=1h", function()
    local run = te.run_runbook("export_latency", { test_id = TEST_ID, window = "1h", out = "-" })
    assert.is_true(run.ok, run.error)
    local rows = csv.parse(run.stdout)
    local test = te.tests.get(TEST_ID)
    assert.equals(#test.agents + 2, #rows[1], "Round ID, Date and one column per agent")
    assert.equals("Round ID", rows[1][1])
    assert.equals("Date", rows[1][2])
    assert.equals(3600 // test.interval + 1, #rows, "header and one row per round of the hour")
  end)

  it("writes test_data.csv atomically with CRLF line ends by default", function()
    local start, finish = fixed_range()
    local run = te.run_runbook("export_latency", { test_id = TEST_ID, start = start, ["end"] = finish })
    assert.is_true(run.ok, run.error)
    local text = run.files["test_data.csv"]
    assert.not_nil(text, "test_data.csv written")
    assert.truthy(text:find("\r\n", 1, true), "CRLF line ends")
    assert_rows(expected_rows("avgLatency", start, finish), csv.parse(text))
    assert.matches("Wrote 18 round%(s%) x %d+ agent%(s%) of avgLatency to test_data.csv", run.stdout)
  end)

  it("fails with the API's 404 for an unknown test", function()
    local run = te.run_runbook("export_latency", { test_id = 999999999, out = "-" })
    assert.is_false(run.ok)
    assert.equals(1, run.status)
    assert.matches("no test with id 999999999", run.error)
    assert.equals("", run.stdout)
  end)

  it("refuses a missing test_id and an unknown metric as usage errors", function()
    local missing = te.run_runbook("export_latency", { out = "-" })
    assert.equals(2, missing.status)
    assert.matches("test_id", missing.error)
    local bad = te.run_runbook("export_latency", { test_id = TEST_ID, metric = "bogus" })
    assert.equals(2, bad.status)
    assert.matches("metric", bad.error)
  end)

  it("refuses a bad window, start or end as usage errors naming the parameter", function()
    local window = te.run_runbook("export_latency", { test_id = TEST_ID, window = "yesterday", out = "-" })
    assert.equals(2, window.status)
    assert.matches('parameter window %(duration%): expected a duration such as 30m, 24h or 7d, got "yesterday"', window.error)
    local start = te.run_runbook("export_latency", { test_id = TEST_ID, start = "27/11/2026", out = "-" })
    assert.equals(2, start.status)
    assert.matches("parameter start %(datetime%): expected an ISO 8601 date%-time", start.error)
    local alone = te.run_runbook("export_latency", { test_id = TEST_ID, ["end"] = "2026-11-27T00:00:00Z", out = "-" })
    assert.equals(2, alone.status)
    assert.matches("parameter end: needs start=", alone.error)
    local backwards = te.run_runbook("export_latency",
      { test_id = TEST_ID, start = "2026-11-27T06:00:00Z", ["end"] = "2026-11-27T00:00:00Z", out = "-" })
    assert.equals(2, backwards.status)
    assert.matches("parameter end: must be after start", backwards.error)
  end)
end)
