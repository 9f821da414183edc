-- export_tests_test.lua: what export_tests writes, read back against the simulator through
-- te: one entry per test with its writable fields, agents and alert rules by name, nothing
-- response-only; filters and formats. (sync_tests_test.lua syncs these files back.)
local testing = require("testing")
local describe, it, assert = testing.describe, testing.it, testing.assert

describe("export_tests", function()
  it("writes every test with agents and alert rules by name and no read-only field", function()
    local run = te.run_runbook("export_tests", { format = "json", out = "tests.json" })
    assert.is_true(run.ok, run.error)
    local doc = te.json.decode(run.files["tests.json"])
    local count = 0
    for _ in te.tests.each() do
      count = count + 1
    end
    assert.equals(count, #doc.tests)
    assert.matches("Exported " .. count .. " test%(s%) to tests.json", run.stdout)
    for _, entry in ipairs(doc.tests) do
      assert.is_nil(entry.testId)
      assert.is_nil(entry.createdDate)
      assert.is_nil(entry.modifiedBy)
      assert.is_nil(entry._links)
      local writable = {}
      for _, name in ipairs(te.spec.writable_fields("POST", "/tests/" .. entry.type)) do
        writable[name] = true
      end
      for name in pairs(entry) do
        assert.truthy(name == "type" or writable[name], entry.testName .. ": " .. name .. " is writable")
      end
    end
    local guide
    for _, entry in ipairs(doc.tests) do
      if entry.testName == "thousandeyes.com network test" then
        guide = entry
      end
    end
    local test = te.tests.get(123456)
    local names = {}
    for _, a in ipairs(test.agents) do
      names[#names + 1] = a.agentName
    end
    table.sort(names, function(a, b)
      return a:lower() < b:lower()
    end)
    assert.same(names, guide.agents)
    assert.equals(test.alertRules[1] and #test.alertRules or 0, #guide.alertRules)
    for _, rule in ipairs(guide.alertRules) do
      assert.is_nil(tonumber(rule), "rules are named, not numbered")
    end
    assert.equals(test.interval, guide.interval)
    assert.equals(test.server, guide.server)
  end)

  it("filters by type and pattern, and prints YAML with out=-", function()
    local run = te.run_runbook("export_tests", { type = "agent-to-server", pattern = "thousandeyes", out = "-" })
    assert.is_true(run.ok, run.error)
    local doc = te.yaml.decode(run.stdout)
    assert.equals(1, #doc.tests)
    assert.equals("thousandeyes.com network test", doc.tests[1].testName)
    assert.matches("^# terun export_tests: 1 test%(s%) of account group \"Main Account Group\" %(1234%)\n", run.stdout)
  end)
end)
