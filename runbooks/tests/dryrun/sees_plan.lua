-- sees_plan.lua: later reads in a dry run see the writes planned before them.
runbook {
  name = "dryrun-sees-plan",
  description = "Plans writes and reads them back in the same dry run.",
}

local function expect(condition, message)
  if not condition then
    error("expected " .. message, 2)
  end
end

expect(te.dry_run == true, "te.dry_run to be true")

local before = #te.users.list()
local user = te.users.create({
  name = "Seen Later",
  email = "seen.later@example.com",
  accountGroupRoles = { { accountGroupId = "1234", roleIds = { "3" } } },
})
local listed = te.users.list()
expect(#listed == before + 1, "te.users.list() to show the planned user")
local found = nil
for _, entry in ipairs(listed) do
  if entry.email == "seen.later@example.com" then
    found = entry
  end
end
expect(found ~= nil and found.uid == user.uid, "the listed user to carry the planned uid")
expect(te.users.get(user.uid).name == "Seen Later", "te.users.get(planned uid) to answer from the plan")

te.alerts.rules.delete("9004")
for _, rule in ipairs(te.alerts.rules.list()) do
  expect(rule.ruleId ~= "9004", "a rule planned for deletion to be gone from the list")
end

te.tests.update("123456", { interval = 300 })
expect(te.tests.get("123456").interval == 300, "te.tests.get to show the planned interval")
for _, test in ipairs(te.tests.list()) do
  if test.testId == "123456" then
    expect(test.interval == 300, "te.tests.list to show the planned interval")
  end
end

-- Not the planned object itself (an id used elsewhere): there is nothing to answer with.
local ok, err = pcall(te.get, "/test-results/" .. user.uid .. "/network")
expect(not ok and tostring(err):find("exists only after apply", 1, true) ~= nil,
  "a deeper read of a planned object to fail clearly, got " .. tostring(err))
print("reads saw the plan")
