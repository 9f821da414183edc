-- assign_users_test.lua: assigns simulator users to account groups with roles, live and as dry
-- runs, and reads each user back through te.
local testing = require("testing")
local describe, it, assert = testing.describe, testing.it, testing.assert

local function role_id(name)
  for _, role in ipairs(te.roles.list()) do
    if role.name == name then
      return tostring(role.roleId)
    end
  end
  error("no role " .. name)
end

-- Two users of the Main account group that are not in `aid`.
local function users_outside(aid, n)
  local members = {}
  for _, user in ipairs(te.users.list({ aid = aid })) do
    members[user.uid] = true
  end
  local picked = {}
  for _, user in ipairs(te.users.list()) do
    if not members[user.uid] and #picked < n then
      picked[#picked + 1] = user
    end
  end
  assert.equals(n, #picked, "enough users outside group " .. aid)
  return picked
end

-- The role ids of `uid` in `aid`, sorted (empty when not a member).
local function role_ids(uid, aid)
  local ids = {}
  for _, entry in ipairs(te.users.get(uid, { aid = aid }).accountGroupRoles or {}) do
    if tostring(entry.accountGroup.aid) == tostring(aid) then
      for _, role in ipairs(entry.roles) do
        ids[#ids + 1] = tostring(role.roleId)
      end
    end
  end
  table.sort(ids)
  return ids
end

local OPS = "5678"

describe("assign_users", function()
  it("adds users given by email to an account group with a role", function()
    local picked = users_outside(OPS, 2)
    local run = te.run_runbook("assign_users", {
      emails = { picked[1].email, picked[2].email:upper() },
      account_group = "Network Operations",
      roles = { "Regular User" },
    })
    assert.is_true(run.ok, run.error)
    assert.matches("Changed 2, unchanged 0, failed 0", run.stdout)
    for _, user in ipairs(picked) do
      assert.same({ role_id("Regular User") }, role_ids(user.uid, OPS), user.email)
    end
    local again = te.run_runbook("assign_users", { emails = { picked[1].email }, account_group = OPS, roles = { "Regular User" } })
    assert.matches("Changed 0, unchanged 1, failed 0", again.stdout)
  end)

  it("plans the assignment as a dry run and changes nobody", function()
    local user = users_outside(OPS, 1)[1]
    local before = te.users.get(user.uid)
    local run = te.run_runbook("assign_users", { emails = { user.email }, account_group = OPS, roles = { "Regular User" } }, { dry_run = true })
    assert.is_true(run.ok, run.error)
    assert.equals(1, run.plan.updates)
    assert.equals("PUT", run.plan.items[1].method)
    assert.matches("would be assigned to Network Operations", run.stdout)
    assert.same(before, te.users.get(user.uid))
  end)

  it("reads users, groups and roles from a CSV and reports bad lines", function()
    local user = users_outside(OPS, 1)[1]
    te.fs.write("assign.csv", table.concat({
      "email,account_group,roles\n",
      user.email .. ",Network Operations,Account Admin;Regular User\n",
      "nobody@example.com,Network Operations,Regular User\n",
      user.email .. ",No Such Group,Regular User\n",
    }))
    local run = te.run_runbook("assign_users", { csv = "assign.csv" })
    assert.equals(1, run.status, "failed users fail the run")
    assert.matches("2 items failed %(see the lines above%)", run.error)
    local both = { role_id("Account Admin"), role_id("Regular User") }
    table.sort(both)
    assert.same(both, role_ids(user.uid, OPS))
    assert.matches("line 3: nobody@example.com: no user has this email", run.stdout)
    assert.matches("line 4: " .. user.email:gsub("%p", "%%%0") .. ": account group 'No Such Group'", run.stdout)
    assert.matches("Changed 1, unchanged 0, failed 2", run.stdout)
  end)

  it("moves a user with mode=move: the group becomes the login group", function()
    local user = users_outside(OPS, 1)[1]
    local run = te.run_runbook("assign_users", { emails = { user.email }, account_group = OPS, roles = { "Regular User" }, mode = "move" })
    assert.is_true(run.ok, run.error)
    local detail = te.users.get(user.uid, { aid = OPS })
    assert.equals(OPS, tostring(detail.loginAccountGroup.aid))
    assert.same({ role_id("Regular User") }, role_ids(user.uid, OPS))
  end)

  it("keeps every row of a user given twice: rows for one user are changed one after another", function()
    -- Rows for different users go out concurrently; two rows for one user must not both read
    -- the user before either writes (the second write would drop the first's roles).
    local function new_user(name)
      return te.users.create({
        name = name,
        email = name:lower() .. ".twice@example.com",
        loginAccountGroupId = "1234",
        accountGroupRoles = te.json.array({ { accountGroupId = "1234", roleIds = te.json.array({ role_id("Regular User") }) } }),
      })
    end
    local user, other = new_user("Twice"), new_user("Between")
    local main_before = role_ids(user.uid, "1234")
    te.fs.write("twice.csv", table.concat({
      "email,account_group,roles\n",
      user.email .. ",Network Operations,Account Admin\n",
      other.email .. ",Network Operations,Regular User\n",
      user.email .. ",Main Account Group,Account Admin\n",
    }))
    local run = te.run_runbook("assign_users", { csv = "twice.csv" })
    assert.is_true(run.ok, run.error)
    assert.same({ role_id("Account Admin") }, role_ids(user.uid, OPS), "the first row's roles are kept")
    local main = { role_id("Account Admin") }
    for _, id in ipairs(main_before) do
      if id ~= main[1] then
        main[#main + 1] = id
      end
    end
    table.sort(main)
    assert.same(main, role_ids(user.uid, "1234"), "the third row's roles are added")
    local escaped = user.email:gsub("%p", "%%%0")
    assert.matches(escaped .. ": assigned to Network Operations\n" .. other.email:gsub("%p", "%%%0") .. ": assigned to Network Operations\n" .. escaped .. ": assigned to Main Account Group\n", run.stdout)
    assert.matches("Changed 3, unchanged 0, failed 0", run.stdout)
  end)

  it("needs users", function()
    local run = te.run_runbook("assign_users", { account_group = OPS })
    assert.is_false(run.ok)
    assert.matches("no users given", run.error)
  end)
end)
