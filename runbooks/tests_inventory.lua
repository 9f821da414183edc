-- tests_inventory.lua: every test with its type, interval, enabled state, agent count and
-- alert rules, as CSV (one GET per test for the agents and rules).
--
--   terun tests_inventory
--   terun tests_inventory types=agent-to-server,http-server out=-

runbook {
  name = "tests_inventory",
  description = "Every test with type, interval, enabled state, agent count and alert rules, as CSV.",
  params = {
    out = { type = "string", default = "tests_inventory.csv", help = "output CSV under --out-dir, or - for stdout" },
    types = { type = "list", help = "only these test types, e.g. agent-to-server,http-server" },
    all_groups = { type = "boolean", default = false, help = "every account group the token can see (adds aid and accountGroupName columns); default: one group" },
  },
}

local csv = require("csv")
local tables = require("tables")

local params = te.params
local out = params.out
local type_filter = params.types and #params.types > 0 and tables.set(params.types) or nil

local all_groups = params.all_groups

local header = { "testId", "testName", "type", "interval", "enabled", "alertsEnabled", "agentCount", "alertRules" }
if all_groups then
  table.insert(header, 1, "accountGroupName")
  table.insert(header, 1, "aid")
end
local writer = csv.file_writer(te.fs, out, { header = header })

--- Writes the tests of the account group requests go to now; returns how many.
local function inventory(group)
  local tests = {}
  for test in te.tests.each() do
    if not type_filter or type_filter[test.type] then
      tests[#tests + 1] = test
    end
  end
  tests = tables.sort_by(tests, function(t)
    return tonumber(t.testId) or math.huge
  end)

  for i, summary in ipairs(tests) do
    local test = te.tests.get(summary.testId, { expand = "agent,alert-rule" })
    local rules = tables.map(test.alertRules or {}, function(r)
      return tostring(r.ruleName or r.ruleId)
    end)
    local agent_count = test.agents and #test.agents or nil
    local row = {
      test.testId or summary.testId,
      test.testName or summary.testName,
      test.type or summary.type,
      test.interval or summary.interval,
      test.enabled,
      test.alertsEnabled,
      agent_count,
      table.concat(rules, ";"),
    }
    if all_groups then
      table.insert(row, 1, group.accountGroupName)
      table.insert(row, 1, tostring(group.aid))
    end
    row.n = #header
    writer:row(row)
    if i % 50 == 0 then
      te.log.info("%d of %d tests read", i, #tests)
    end
  end
  return #tests
end

local count, where = 0, nil
if all_groups then
  local groups = 0
  te.account_groups.each(function(_, group)
    groups = groups + 1
    count = count + inventory(group)
  end)
  where = string.format("%d account group(s)", groups)
else
  local group = te.account_groups.current()
  where = string.format('account group "%s" (%s)', tostring(group.accountGroupName), tostring(group.aid))
  te.log.info("reading %s only; all_groups=true reads every account group", where)
  count = inventory(group)
end
writer:close()

if out ~= "-" then
  print(string.format("Wrote %d test(s) of %s to %s", count, where, out))
end
