-- Unit tests for stdlib/admin.lua.
local suite = ...
local describe, it, assert = suite.describe, suite.it, suite.assert
local admin = require("admin")

local roles = {
  { roleId = "57", name = "Account Admin" },
  { roleId = "58", name = "Regular User" },
  { roleId = "60", name = "Twin" },
  { roleId = "61", name = "twin" },
}

describe("admin", function()
  it("trims, splits and recognises emails", function()
    assert.equals("a b", admin.trim("  a b \t"))
    assert.equals("", admin.trim(nil))
    assert.equals("3", admin.trim(3))
    assert.same({ "a", "b c", "d" }, admin.split(" a ;b c;; d ;"))
    assert.same({ "x", "y" }, admin.split("x|y", "|"))
    assert.same({}, admin.split(nil))
    assert.truthy(admin.is_email("ana.lima+ops@example.co.uk"))
    assert.falsy(admin.is_email("ana@example"))
    assert.falsy(admin.is_email("an a@example.com"))
    assert.falsy(admin.is_email("a@b@example.com"))
  end)

  it("finds by id or name ignoring case, and flags unknown and ambiguous names", function()
    local find = admin.finder(roles, "roleId", "name")
    assert.equals(roles[1], find("57"))
    assert.equals(roles[2], find(" regular USER "))
    local none, why = find("Ghost")
    assert.is_nil(none)
    assert.equals("is unknown", why)
    local _, why2 = find("TWIN")
    assert.equals("is ambiguous (several have that name; give the id)", why2)
    assert.equals(roles[4], find("61"))
  end)

  it("resolves lists to unique ids and collects problems", function()
    local find = admin.finder(roles, "roleId", "name")
    local ids, problems = admin.resolve_all({ "Account Admin", "57", "58", "", "Nope" }, find, "roleId", "role")
    assert.same({ "57", "58" }, ids)
    assert.same({ "role 'Nope' is unknown" }, problems)
  end)

  it("turns a user's roles into request form", function()
    local user = {
      accountGroupRoles = {
        { accountGroup = { aid = "11", accountGroupName = "Prod" }, roles = { { roleId = "57" }, { roleId = "58" } } },
        { accountGroupId = 12, roleIds = { 60 } },
      },
    }
    assert.same({ { accountGroupId = "11", roleIds = { "57", "58" } }, { accountGroupId = "12", roleIds = { "60" } } }, admin.request_roles(user))
    assert.same({}, admin.request_roles({}))
  end)

  it("compares sets ignoring order and repeats", function()
    assert.truthy(admin.same_set({ "a", "b" }, { "b", "a", "a" }))
    assert.falsy(admin.same_set({ "a" }, { "a", "b" }))
    assert.falsy(admin.same_set({ "a", "b" }, { "a" }))
    assert.truthy(admin.same_set({}, {}))
  end)

  it("applies roles in set, add and move modes and says whether anything changed", function()
    local groups = { { accountGroupId = "11", roleIds = { "58" } }, { accountGroupId = "12", roleIds = { "57" } } }
    local set, changed = admin.apply_roles(groups, "11", { "57" }, "set")
    assert.same({ { accountGroupId = "11", roleIds = { "57" } }, { accountGroupId = "12", roleIds = { "57" } } }, set)
    assert.truthy(changed)
    local added, changed2 = admin.apply_roles(groups, 11, { "57", "58" }, "add")
    assert.same({ "58", "57" }, added[1].roleIds)
    assert.truthy(changed2)
    local _, unchanged = admin.apply_roles(groups, "11", { "58" }, "add")
    assert.falsy(unchanged)
    local new_group, changed3 = admin.apply_roles(groups, "13", { "60" }, "set")
    assert.same({ accountGroupId = "13", roleIds = { "60" } }, new_group[3])
    assert.truthy(changed3)
    local moved, changed4 = admin.apply_roles(groups, "12", { "57" }, "move")
    assert.same({ { accountGroupId = "12", roleIds = { "57" } } }, moved)
    assert.truthy(changed4)
    local _, changed5 = admin.apply_roles({ { accountGroupId = "12", roleIds = { "57" } } }, "12", { "57" }, "move")
    assert.falsy(changed5)
    assert.same({ "58" }, groups[1].roleIds, "input unchanged")
  end)
end)
