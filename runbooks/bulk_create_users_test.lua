-- bulk_create_users_test.lua: creates users from CSV files on the simulator, live and as dry
-- runs, and reads the users back through te.
local testing = require("testing")
local describe, it, assert = testing.describe, testing.it, testing.assert

-- Every user of every account group, by lower-case email, with its roles per group.
local function users()
  local out = {}
  for _, group in ipairs(te.account_groups.list()) do
    for _, user in ipairs(te.users.list({ aid = group.aid })) do
      out[user.email:lower()] = user
    end
  end
  return out
end

local function count(t)
  local n = 0
  for _ in pairs(t) do
    n = n + 1
  end
  return n
end

-- Role ids of `uid` in account group `aid`, sorted.
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

local function role_id(name)
  for _, role in ipairs(te.roles.list()) do
    if role.name == name then
      return tostring(role.roleId)
    end
  end
  error("no role " .. name)
end

local function group_named(name)
  for _, group in ipairs(te.account_groups.list()) do
    if group.accountGroupName == name then
      return group
    end
  end
  error("no account group " .. name)
end

local HEADER = "name,email,account_group,roles\n"

describe("bulk_create_users", function()
  local main = group_named("Main Account Group")
  local ops = group_named("Network Operations")
  local rows = table.concat({
    HEADER,
    "Ana Lima,ana@example.com,Main Account Group,Regular User\n",
    "Bo Chen,bo@example.com," .. ops.aid .. ",Account Admin;Regular User\n",
    "Bad Mail,not-an-email,Main Account Group,Regular User\n",
    "Cy Dee,cy@example.com,network operations," .. role_id("Regular User") .. "\n",
    "No Role,nr@example.com,Main Account Group,Chief Wizard\n",
  })

  it("plans the creations as a dry run and creates nobody", function()
    te.fs.write("users.csv", rows)
    local before = users()
    local run = te.run_runbook("bulk_create_users", { csv = "users.csv" }, { dry_run = true })
    -- Bad rows fail the dry run too (exit 1), after the plan and the summary.
    assert.is_false(run.ok)
    assert.equals(1, run.status)
    assert.equals("2 items failed (see the lines above); fix them and run again", run.error)
    assert.equals(3, run.plan.creates)
    assert.equals(3, run.plan.writes)
    assert.matches("Dry run: would create 3, update 0, skip 0; 2 failed", run.stdout)
    assert.same(before, users())
  end)

  it("creates the good rows, reports the bad ones by line, and is safe to re-run", function()
    te.fs.write("users.csv", rows)
    local before = count(users())
    local run = te.run_runbook("bulk_create_users", { csv = "users.csv" })
    assert.equals(1, run.status, "failed rows fail the run")
    assert.matches("2 items failed", run.error)
    assert.matches("line 4: not%-an%-email: email 'not%-an%-email' is not an email address", run.stdout)
    assert.matches("line 6: nr@example.com: .*Chief Wizard", run.stdout)
    assert.matches("Created 3, updated 0, skipped 0, failed 2 %(5 row%(s%)", run.stdout)
    local after = users()
    assert.equals(before + 3, count(after))
    assert.same({ role_id("Regular User") }, role_ids(after["ana@example.com"].uid, main.aid))
    local both = { role_id("Account Admin"), role_id("Regular User") }
    table.sort(both)
    assert.same(both, role_ids(after["bo@example.com"].uid, ops.aid))
    assert.same({ role_id("Regular User") }, role_ids(after["cy@example.com"].uid, ops.aid))
    assert.equals("Cy Dee", te.users.get(after["cy@example.com"].uid, { aid = ops.aid }).name)

    local again = te.run_runbook("bulk_create_users", { csv = "users.csv" })
    assert.equals(1, again.status)
    assert.matches("Created 0, updated 0, skipped 3, failed 2", again.stdout)
    assert.equals(count(after), count(users()), "no duplicates")
  end)

  it("updates existing users' roles with update=true, live and as a dry run", function()
    te.fs.write("users.csv", rows)
    te.run_runbook("bulk_create_users", { csv = "users.csv" })
    te.fs.write("promote.csv", HEADER .. "Ana Lima,ANA@example.com,Main Account Group,Account Admin\n")
    local uid = users()["ana@example.com"].uid
    local planned = te.run_runbook("bulk_create_users", { csv = "promote.csv", update = true }, { dry_run = true })
    assert.is_true(planned.ok, planned.error)
    assert.equals(1, planned.plan.updates)
    assert.same({ role_id("Regular User") }, role_ids(uid, main.aid), "the dry run changed nothing")
    local run = te.run_runbook("bulk_create_users", { csv = "promote.csv", update = true })
    assert.is_true(run.ok, run.error)
    assert.matches("Created 0, updated 1, skipped 0, failed 0", run.stdout)
    assert.same({ role_id("Account Admin") }, role_ids(uid, main.aid))
  end)

  it("stops before creating anything with strict=true", function()
    te.fs.write("strict.csv", HEADER .. "Ok Row,ok@example.com,Main Account Group,Regular User\nBad,bad,Main Account Group,Regular User\n")
    local run = te.run_runbook("bulk_create_users", { csv = "strict.csv", strict = true })
    assert.is_false(run.ok)
    assert.matches("strict: 1 bad row%(s%)", run.error)
    assert.matches("line 3: bad:", run.stdout)
    assert.is_nil(users()["ok@example.com"])
  end)

  it("refuses a file without the expected header", function()
    te.fs.write("wrong.csv", "name,mail\nA,a@example.com\n")
    local run = te.run_runbook("bulk_create_users", { csv = "wrong.csv" })
    assert.is_false(run.ok)
    assert.matches("missing 'email'", run.error)
  end)
end)
