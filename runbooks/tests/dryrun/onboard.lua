-- onboard.lua: five new users, a test's interval changed, an alert rule deleted. The dry-run
-- and apply tests plan it against the simulator and apply the saved plan.
runbook {
  name = "dryrun-onboard",
  description = "Creates five users, sets a test's interval and deletes an alert rule.",
  params = {
    test_id = { type = "string", default = "123456", help = "the test to change" },
    interval = { type = "integer", default = 300, help = "the test's new interval" },
    rule_id = { type = "string", default = "9004", help = "the alert rule to delete" },
    prefix = { type = "string", default = "onboard", help = "name and email prefix of the users" },
  },
}

local prefix = te.params.prefix
for i = 1, 5 do
  local user = te.users.create({
    name = string.format("%s user %d", prefix, i),
    email = string.format("%s.user%d@example.com", prefix, i),
    accountGroupRoles = { { accountGroupId = "1234", roleIds = { "3" } } },
  })
  print(string.format("user %s: uid %s", user.name, user.uid))
end

local test = te.tests.update(te.params.test_id, { interval = te.params.interval })
print(string.format("test %s %s: interval %d", test.testId, test.testName, test.interval))

te.alerts.rules.delete(te.params.rule_id)
print("deleted alert rule " .. te.params.rule_id)
