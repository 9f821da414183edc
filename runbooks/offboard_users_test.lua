-- offboard_users_test.lua: offboards users on the simulator, live and as dry runs, and reads
-- them back: roles gone in every account group (or the user deleted), the report lists what
-- they had, and other users are untouched.
local testing = require("testing")
local describe, it, assert = testing.describe, testing.it, testing.assert

local function user_by_email(email)
  for _, group in ipairs(te.account_groups.list()) do
    for _, u in ipairs(te.users.list({ aid = group.aid })) do
      if u.email:lower() == email:lower() then
        return te.users.get(u.uid, { aid = group.aid }), group.aid
      end
    end
  end
end

local function make_user(email)
  local regular
  for _, role in ipairs(te.roles.list()) do
    if role.name == "Regular User" then
      regular = role.roleId
    end
  end
  return te.users.create({
    name = "Leaver " .. email,
    email = email,
    accountGroupRoles = {
      { accountGroupId = "1234", roleIds = { regular } },
      { accountGroupId = "5678", roleIds = { regular } },
    },
  })
end

describe("offboard_users", function()
  it("removes a user from every account group and reports what they had", function()
    make_user("leaver.one@example.com")
    local other, other_aid = user_by_email("ada.hopper.1002@example.com")
    local run = te.run_runbook("offboard_users", { emails = "leaver.one@example.com" })
    assert.is_true(run.ok, run.error)
    assert.matches("had Main Account Group %(1234%): Regular User", run.stdout)
    assert.matches("had Network Operations %(5678%): Regular User", run.stdout)
    assert.matches("removed from every account group", run.stdout)
    assert.matches("Removed 1, unchanged 0, failed 0", run.stdout)
    local after = user_by_email("leaver.one@example.com")
    assert.equals(0, #after.accountGroupRoles)
    assert.equals(0, #after.allAccountGroupRoles)
    assert.same(other.accountGroupRoles, te.users.get(other.uid, { aid = other_aid }).accountGroupRoles)
    local again = te.run_runbook("offboard_users", { emails = "LEAVER.ONE@example.com" }, { dry_run = true })
    assert.is_true(again.ok, again.error)
    assert.equals(0, again.plan.writes)
    assert.matches("nothing to change", again.stdout)
  end)

  it("deletes users given in a CSV with delete=true", function()
    make_user("leaver.two@example.com")
    te.fs.write("leavers.csv", "name,email\r\nTwo,leaver.two@example.com\r\n")
    local plan = te.run_runbook("offboard_users", { csv = "leavers.csv", delete = true }, { dry_run = true })
    assert.is_true(plan.ok, plan.error)
    assert.equals(1, plan.plan.deletes)
    assert.matches("would be deleted", plan.stdout)
    assert.truthy(user_by_email("leaver.two@example.com"), "a dry run deletes nothing")
    local run = te.run_runbook("offboard_users", { csv = "leavers.csv", delete = true })
    assert.is_true(run.ok, run.error)
    assert.matches("had Main Account Group %(1234%): Regular User", run.stdout)
    assert.matches("Deleted 1, unchanged 0, failed 0", run.stdout)
    assert.is_nil(user_by_email("leaver.two@example.com"))
  end)

  it("reports an email not found and goes on with the others, exiting 1", function()
    make_user("leaver.three@example.com")
    local run = te.run_runbook("offboard_users", { emails = "ghost@example.com,leaver.three@example.com,not-an-email" })
    assert.is_false(run.ok)
    assert.equals(1, run.status)
    assert.matches("ghost@example.com: no user with this email in any account group", run.stdout)
    assert.matches("not%-an%-email: not an email address", run.stdout)
    assert.matches("Removed 1, unchanged 0, failed 2", run.stdout)
    assert.matches("2 items failed", run.error)
    assert.equals(0, #user_by_email("leaver.three@example.com").accountGroupRoles)
  end)

  it("never offboards the token's own user, and needs some users", function()
    local me = te.users.current()
    local run = te.run_runbook("offboard_users", { emails = me.email, delete = true })
    assert.equals(1, run.status)
    assert.matches("is the user of this token; refusing", run.stdout)
    assert.truthy(user_by_email(me.email))
    local none = te.run_runbook("offboard_users", {})
    assert.equals(2, none.status)
    assert.matches("parameter emails: no users given", none.error)
  end)
end)
