-- create_role_test.lua: creates and updates roles on the simulator, live and as dry runs, and
-- reads roles and users back through te.
local testing = require("testing")
local describe, it, assert = testing.describe, testing.it, testing.assert

local function role_named(name)
  for _, role in ipairs(te.roles.list()) do
    if role.name:lower() == name:lower() then
      return role
    end
  end
  return nil
end

local function permission_ids_of(role_id)
  local ids = {}
  for _, p in ipairs(te.roles.get(role_id).permissions or {}) do
    ids[#ids + 1] = tostring(p.permissionId)
  end
  table.sort(ids)
  return ids
end

-- The first `n` permissions, as labels and as sorted ids.
local function some_permissions(n)
  local labels, ids = {}, {}
  for i, p in ipairs(te.permissions.list()) do
    if i > n then
      break
    end
    labels[i], ids[i] = p.label, tostring(p.permissionId)
  end
  table.sort(ids)
  return labels, ids
end

local function has_role(uid, aid, role_id)
  for _, entry in ipairs(te.users.get(uid).accountGroupRoles or {}) do
    if tostring(entry.accountGroup.aid) == tostring(aid) then
      for _, role in ipairs(entry.roles) do
        if tostring(role.roleId) == tostring(role_id) then
          return true
        end
      end
    end
  end
  return false
end

describe("create_role", function()
  it("plans a new role and its assignment as a dry run, creating nothing", function()
    local labels = some_permissions(2)
    local user = te.users.list()[2]
    local roles_before = #te.roles.list()
    local run = te.run_runbook("create_role", { name = "Dry Viewers", permissions = labels, users = { user.email } }, { dry_run = true })
    assert.is_true(run.ok, run.error)
    assert.equals(1, run.plan.creates)
    assert.equals(1, run.plan.updates)
    assert.matches('Would create role "Dry Viewers" with 2 permission', run.stdout)
    assert.equals(roles_before, #te.roles.list())
    assert.is_nil(role_named("Dry Viewers"))
  end)

  it("creates a role from permission labels and gives it to users", function()
    local labels, ids = some_permissions(3)
    local users = te.users.list()
    local run = te.run_runbook("create_role", { name = "Viewers", permissions = labels, users = { users[2].email, users[3].email }, account_group = "1234" })
    assert.is_true(run.ok, run.error)
    local role = role_named("Viewers")
    assert.not_nil(role, "the role exists")
    assert.same(ids, permission_ids_of(role.roleId))
    assert.is_true(has_role(users[2].uid, "1234", role.roleId))
    assert.is_true(has_role(users[3].uid, "1234", role.roleId))
    assert.matches("Assigned 2, unchanged 0, failed 0", run.stdout)

    local again = te.run_runbook("create_role", { name = "viewers", permissions = labels, users = { users[2].email } })
    assert.is_true(again.ok, again.error)
    assert.matches("already has these 3 permission", again.stdout)
    assert.matches("Assigned 0, unchanged 1", again.stdout)
  end)

  it("brings an existing role to exactly the given permissions", function()
    local labels3 = some_permissions(3)
    te.run_runbook("create_role", { name = "Editors", permissions = labels3 })
    local labels1, ids1 = some_permissions(1)
    local role = role_named("Editors")
    local run = te.run_runbook("create_role", { name = "Editors", permissions = labels1 })
    assert.is_true(run.ok, run.error)
    assert.matches("3 → 1 permission", run.stdout)
    assert.same(ids1, permission_ids_of(role.roleId))
  end)

  it("refuses unknown permissions and built-in roles", function()
    local bad = te.run_runbook("create_role", { name = "X", permissions = { "Fly to the moon" } })
    assert.is_false(bad.ok)
    assert.matches("Fly to the moon", bad.error)
    assert.matches("available permissions:", bad.error)
    local builtin = te.run_runbook("create_role", { name = "Regular User", permissions = some_permissions(1) })
    assert.is_false(builtin.ok)
    assert.matches("built%-in role", builtin.error)
  end)

  it("fails (exit 1, after the summary) when a user cannot get the role, in dry runs too", function()
    local labels = some_permissions(1)
    local user = te.users.list()[2]
    for _, dry in ipairs({ true, false }) do
      local run = te.run_runbook("create_role",
        { name = "Partial Viewers", permissions = labels, users = { user.email, "nobody@example.invalid" } },
        { dry_run = dry })
      assert.equals(1, run.status)
      assert.equals("1 item failed (see the lines above); fix them and run again", run.error)
      assert.matches("nobody@example.invalid: no user has this email", run.stdout)
      assert.matches("failed 1", run.stdout)
    end
  end)

  it("says which account group it works in, and with all_groups=true covers every group", function()
    local labels = some_permissions(1)
    local single = te.run_runbook("create_role", { name = "One Group Role", permissions = labels })
    assert.is_true(single.ok, single.error)
    local current = te.account_groups.current()
    assert.matches('in account group "' .. current.accountGroupName:gsub("%p", "%%%0") .. '"', single.stdout)
    local run = te.run_runbook("create_role", { name = "Every Group Role", permissions = labels, all_groups = true })
    assert.is_true(run.ok, run.error)
    local groups = te.account_groups.list()
    assert.truthy(#groups >= 2)
    for _, group in ipairs(groups) do
      local found = false
      for _, role in ipairs(te.roles.list({ aid = group.aid })) do
        found = found or role.name == "Every Group Role"
      end
      assert.is_true(found, "role created in account group " .. tostring(group.aid))
      assert.matches("in account group \"" .. group.accountGroupName:gsub("%p", "%%%0"), run.stdout)
    end
  end)
end)
