-- assign_alert_rule.lua: attaches an alert rule to the tests whose names match a pattern, or
-- detaches it with detach=true. It changes only the rule's own list of tests (its testIds):
-- the other rules of each test stay on it, and the rule keeps every test it already had.
-- (Rewriting each test's alertRules instead is how other tools lose associations.)
--
--   terun assign_alert_rule rule="High Latency" tests="*checkout*"
--   terun assign_alert_rule rule=9004 tests="DNS *" detach=true --dry-run

runbook {
  name = "assign_alert_rule",
  description = "Attaches an alert rule to (or detaches it from) the tests whose names match a pattern, keeping every other association.",
  params = {
    rule = { type = "string", required = true, help = "the alert rule, by ruleName (ignoring case) or ruleId" },
    tests = { type = "string", required = true, help = "test name glob, ignoring case (* any text, ? one character; plain text: names containing it)" },
    detach = { type = "boolean", default = false, help = "detach the rule from the matching tests instead" },
  },
}

local admin = require("admin")
local selection = require("selection")

local params = te.params
local detach = params.detach == true
if admin.trim(params.tests) == "" then
  te.usage_error("tests", 'must not be empty; give a test name glob such as tests="*checkout*" (tests=* for every test)')
end

local group = te.account_groups.current()
te.log.info('working in account group "%s" (%s); --aid ID uses another', tostring(group.accountGroupName), tostring(group.aid))

local found, reason = admin.finder(te.alerts.rules.list(), "ruleId", "ruleName")(params.rule)
if not found then
  te.usage_error("rule", string.format('alert rule "%s" %s', admin.trim(params.rule), reason))
end
local rule = te.alerts.rules.get(found.ruleId)
local label = string.format('alert rule "%s" (%s)', tostring(rule.ruleName), tostring(rule.ruleId))

local matching = selection.tests(te, { pattern = params.tests })
if #matching == 0 then
  te.fail(string.format('no test name in account group "%s" matches "%s"; nothing to %s', tostring(group.accountGroupName), params.tests, detach and "detach" or "attach"))
end

local current, has = {}, {}
for _, id in ipairs(rule.testIds or {}) do
  current[#current + 1] = tostring(id)
  has[tostring(id)] = true
end

local changed, wanted = {}, {}
for _, test in ipairs(matching) do
  -- attaching changes the tests that lack the rule; detaching, those that have it
  if (has[tostring(test.testId)] == true) == detach then
    changed[#changed + 1] = test
    wanted[tostring(test.testId)] = true
  end
end

if #changed == 0 then
  print(string.format("%s: all %d matching test(s) %s; nothing to change", label, #matching, detach and "already lack it" or "already have it"))
  return
end

local ids = {}
if detach then
  for _, id in ipairs(current) do
    if not wanted[id] then
      ids[#ids + 1] = id
    end
  end
else
  for _, id in ipairs(current) do
    ids[#ids + 1] = id
  end
  for _, test in ipairs(changed) do
    ids[#ids + 1] = tostring(test.testId)
  end
end

te.alerts.rules.update(rule.ruleId, { testIds = te.json.array(ids) })

local verb = detach and "detach" or "attach"
local done
if te.mode == "plan" then
  done = "Would " .. verb
elseif te.mode == "confirm" then
  done = "Will " .. verb
else
  done = detach and "Detached" or "Attached"
end
print(string.format("%s %s %s %d test(s) (%d matching, %d unchanged); the rule %s %d test(s):", done, label, detach and "from" or "to", #changed, #matching, #matching - #changed, te.mode == "live" and "now has" or "would have", #ids))
for _, test in ipairs(changed) do
  print(string.format("  %s  %s (%s)", tostring(test.testId), tostring(test.testName), tostring(test.type)))
end
