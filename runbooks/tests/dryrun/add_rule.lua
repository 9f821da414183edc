-- add_rule.lua: adds an alert rule, found by name, to a test's alert rules.
runbook {
  name = "dryrun-add-rule",
  description = "Adds an alert rule to a test.",
  params = {
    test_id = { type = "string", required = true, help = "the test" },
    rule = { type = "string", required = true, help = "the alert rule's name" },
  },
}

local rule
for candidate in te.alerts.rules.each() do
  if candidate.ruleName == te.params.rule then
    rule = candidate
  end
end
assert(rule, "no alert rule named " .. te.params.rule)
local test = te.tests.get(te.params.test_id)
local ids = te.json.array({})
for i, current in ipairs(test.alertRules or {}) do
  ids[i] = type(current) == "table" and current.ruleId or current
end
ids[#ids + 1] = rule.ruleId
te.tests.update(te.params.test_id, { alertRules = ids })
