-- tests_inventory_test.lua: runs tests_inventory against the simulator and checks every row
-- against the test read independently through te.
local testing = require("testing")
local csv = require("csv")
local describe, it, assert = testing.describe, testing.it, testing.assert

local function records(text)
  local list, _, header = csv.read_records(text)
  return list, header
end

-- The row the inventory should hold for a test.
local function expected_row(id)
  local test = te.tests.get(id, { expand = "agent,alert-rule" })
  local rules = {}
  for _, rule in ipairs(test.alertRules or {}) do
    rules[#rules + 1] = rule.ruleName
  end
  return {
    testId = tostring(test.testId),
    testName = test.testName,
    type = test.type,
    interval = tostring(test.interval),
    enabled = tostring(test.enabled),
    alertsEnabled = tostring(test.alertsEnabled),
    agentCount = tostring(#test.agents),
    alertRules = table.concat(rules, ";"),
  }
end

describe("tests_inventory", function()
  it("writes one row per test, in testId order, matching each test", function()
    local run = te.run_runbook("tests_inventory", {})
    assert.is_true(run.ok, run.error)
    local text = run.files["tests_inventory.csv"]
    assert.not_nil(text, "tests_inventory.csv written")
    local rows, header = records(text)
    assert.same({ "testId", "testName", "type", "interval", "enabled", "alertsEnabled", "agentCount", "alertRules" }, header)
    local ids = {}
    for _, test in ipairs(te.tests.list()) do
      ids[#ids + 1] = tonumber(test.testId)
    end
    table.sort(ids)
    assert.equals(#ids, #rows)
    for i, id in ipairs(ids) do
      local row = rows[i]
      row.line = nil
      assert.same(expected_row(id), row)
    end
    local group = te.account_groups.current()
    assert.matches("Wrote " .. #ids .. ' test%(s%) of account group "' .. group.accountGroupName:gsub("%p", "%%%0")
      .. '" %(' .. tostring(group.aid) .. "%) to tests_inventory.csv", run.stdout)
    assert.matches("reading account group", run.log)
  end)

  it("keeps only the given types", function()
    local run = te.run_runbook("tests_inventory", { types = { "agent-to-server" }, out = "-" })
    assert.is_true(run.ok, run.error)
    local rows = records(run.stdout)
    local expected = 0
    for _, test in ipairs(te.tests.list()) do
      expected = expected + (test.type == "agent-to-server" and 1 or 0)
    end
    assert.truthy(expected >= 2)
    assert.equals(expected, #rows)
    for _, row in ipairs(rows) do
      assert.equals("agent-to-server", row.type)
    end
  end)

  it("sees a change made through te", function()
    te.tests.update(200002, { interval = 3600 })
    local run = te.run_runbook("tests_inventory", { out = "-" })
    assert.is_true(run.ok, run.error)
    for _, row in ipairs(records(run.stdout)) do
      if row.testId == "200002" then
        assert.equals("3600", row.interval)
        return
      end
    end
    error("test 200002 is missing from the inventory")
  end)

  it("with all_groups=true reads every account group, with aid and accountGroupName columns", function()
    local run = te.run_runbook("tests_inventory", { all_groups = true, out = "-" })
    assert.is_true(run.ok, run.error)
    local rows, header = records(run.stdout)
    assert.equals("aid", header[1])
    assert.equals("accountGroupName", header[2])
    local expected, groups = 0, 0
    for _, group in ipairs(te.account_groups.list()) do
      groups = groups + 1
      expected = expected + #te.tests.list({ aid = group.aid })
    end
    assert.truthy(groups >= 2, "the simulator has several account groups")
    assert.equals(expected, #rows)
    local seen = {}
    for _, row in ipairs(rows) do
      seen[row.aid] = true
    end
    local distinct = 0
    for _ in pairs(seen) do
      distinct = distinct + 1
    end
    assert.truthy(distinct >= 2, "rows from more than one account group")
  end)
end)
