-- assign_alert_rule_test.lua: attaches and detaches a rule on the simulator and proves that
-- neither the tests' other rules nor the rule's other tests are lost, reading both sides back.
local testing = require("testing")
local describe, it, assert = testing.describe, testing.it, testing.assert

local function rule_named(name)
  for _, rule in ipairs(te.alerts.rules.list()) do
    if rule.ruleName == name then
      return te.alerts.rules.get(rule.ruleId)
    end
  end
end

local function set(list)
  local s = {}
  for _, v in ipairs(list or {}) do
    s[tostring(v)] = true
  end
  return s
end

local function rules_of(test_id)
  local ids = {}
  for _, r in ipairs(te.tests.get(test_id).alertRules or {}) do
    ids[#ids + 1] = r.ruleId
  end
  return set(ids)
end

local function tests_named(fragment)
  local ids = {}
  for test in te.tests.each() do
    if test.testName:lower():find(fragment, 1, true) then
      ids[#ids + 1] = test.testId
    end
  end
  return ids
end

describe("assign_alert_rule", function()
  it("attaches a rule keeping the tests' other rules and the rule's other tests", function()
    local rule = rule_named("High Latency")
    -- the rule starts with one test of its own, which must survive
    te.alerts.rules.update(rule.ruleId, { testIds = te.json.array({ "123456" }) })
    local targets = tests_named("example.com")
    assert.truthy(#targets > 0)
    local before = {}
    for _, id in ipairs(targets) do
      before[id] = rules_of(id)
    end
    local guide_rules = rules_of("123456")
    local run = te.run_runbook("assign_alert_rule", { rule = "high latency", tests = "example.com" })
    assert.is_true(run.ok, run.error)
    assert.matches('Attached alert rule "High Latency"', run.stdout)
    local after = set(te.alerts.rules.get(rule.ruleId).testIds)
    assert.truthy(after["123456"], "the rule kept its other test")
    for _, id in ipairs(targets) do
      assert.truthy(after[id], "rule has test " .. id)
      local now = rules_of(id)
      assert.truthy(now[rule.ruleId], "test " .. id .. " has the rule")
      for other in pairs(before[id]) do
        assert.truthy(now[other], "test " .. id .. " kept rule " .. other)
      end
    end
    assert.same(guide_rules, rules_of("123456"))
    local again = te.run_runbook("assign_alert_rule", { rule = rule.ruleId, tests = "example.com" })
    assert.matches("already have it; nothing to change", again.stdout)
  end)

  it("detaches from the matching tests only, keeping other rules and other tests", function()
    local rule = rule_named("High Latency")
    local targets = tests_named("example.com")
    te.run_runbook("assign_alert_rule", { rule = rule.ruleId, tests = "*" })
    local all = set(te.alerts.rules.get(rule.ruleId).testIds)
    local before = {}
    for _, id in ipairs(targets) do
      before[id] = rules_of(id)
    end
    local run = te.run_runbook("assign_alert_rule", { rule = "High Latency", tests = "example.com", detach = true })
    assert.is_true(run.ok, run.error)
    assert.matches("Detached", run.stdout)
    local left = set(te.alerts.rules.get(rule.ruleId).testIds)
    for id in pairs(all) do
      local target = false
      for _, t in ipairs(targets) do
        target = target or t == id
      end
      assert.equals(not target, left[id] == true, "test " .. id)
    end
    for _, id in ipairs(targets) do
      local now = rules_of(id)
      assert.is_nil(now[rule.ruleId])
      for other in pairs(before[id]) do
        if other ~= rule.ruleId then
          assert.truthy(now[other], "test " .. id .. " kept rule " .. other)
        end
      end
    end
  end)

  it("plans the rule's update without sending it", function()
    local rule = rule_named("High Latency")
    local before = te.alerts.rules.get(rule.ruleId).testIds
    local run = te.run_runbook("assign_alert_rule", { rule = "High Latency", tests = "*" }, { dry_run = true })
    assert.is_true(run.ok, run.error)
    assert.equals(1, run.plan.updates)
    assert.equals("PUT", run.plan.items[1].method)
    assert.equals("/alerts/rules/" .. rule.ruleId, run.plan.items[1].path)
    assert.matches("Would attach", run.stdout)
    assert.same(before, te.alerts.rules.get(rule.ruleId).testIds)
  end)

  it("refuses an unknown rule and reports a pattern that matches nothing", function()
    local unknown = te.run_runbook("assign_alert_rule", { rule = "Psychic Rule", tests = "*" })
    assert.equals(2, unknown.status)
    assert.matches('parameter rule: alert rule "Psychic Rule" is unknown', unknown.error)
    local none = te.run_runbook("assign_alert_rule", { rule = "High Latency", tests = "no such test" })
    assert.equals(1, none.status)
    assert.matches('matches "no such test"; nothing to attach', none.error)
  end)
end)
