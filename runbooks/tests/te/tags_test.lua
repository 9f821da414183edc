-- tags_test.lua: te.tags against the simulator (run by `terun test runbooks/`): the resource
-- functions, find, assign and unassign by test id or { id, type }, and argument errors.
local testing = require("testing")
local describe, it, assert = testing.describe, testing.it, testing.assert

local function assigned(id)
  local ids = {}
  for _, a in ipairs(te.tags.get(id, { expand = "assignments" }).assignments or {}) do
    ids[#ids + 1] = a.type .. ":" .. a.id
  end
  table.sort(ids)
  return ids
end

describe("te.tags", function()
  it("finds a seeded tag by key and value, with its assignments", function()
    local tag = te.tags.find("env", "production")
    assert.truthy(tag)
    assert.equals("test", tag.objectType)
    assert.same({ { id = "123456", type = "test" } }, tag.assignments)
    assert.is_nil(te.tags.find("env", "nowhere"))
    assert.is_nil(te.tags.find("env", "production", "dashboard"))
    local listed = te.tags.list()
    assert.truthy(#listed >= 2)
  end)

  it("creates, assigns by id or object, unassigns, updates and deletes", function()
    local tag = te.tags.create({ key = "site", value = "sfo", objectType = "test", color = "#00FF00" })
    assert.truthy(tag.id)
    te.tags.assign(tag.id, { 123456, "200001" })
    assert.same({ "test:123456", "test:200001" }, assigned(tag.id))
    te.tags.assign(tag.id, { { id = "200002", type = "test" } })
    assert.same({ "test:123456", "test:200001", "test:200002" }, assigned(tag.id), "assign keeps what was there")
    te.tags.unassign(tag.id, { "200001" })
    assert.same({ "test:123456", "test:200002" }, assigned(tag.id))
    te.tags.update(tag.id, { color = "#0000FF" })
    assert.equals("#0000FF", te.tags.get(tag.id).color)
    assert.equals("sfo", te.tags.get(tag.id).value)
    assert.is_true(te.tags.delete(tag.id))
    assert.is_nil(te.tags.find("site", "sfo"))
  end)

  it("reports API refusals and bad arguments", function()
    local tag = te.tags.find("team", "netops")
    local ok, err = pcall(te.tags.assign, tag.id, { 42 })
    assert.is_false(ok)
    assert.equals(400, err.status)
    assert.matches("assignments%[0%]%.id", tostring(err))
    assert.error_matches(function()
      te.tags.assign(tag.id, "123456")
    end, "bad argument #2 to 'te.tags.assign' %(table expected, got string%)")
    assert.error_matches(function()
      te.tags.assign(tag.id, { { id = "1" } })
    end, "te.tags.assign: objects%[1%] must be")
    assert.error_matches(function()
      te.tags.find(nil, "x")
    end, "bad argument #1 to 'te.tags.find'")
    assert.error_matches(function()
      te.tags.find("team", 5)
    end, "bad argument #2 to 'te.tags.find' %(string expected, got number%)")
    local missing_ok, missing = pcall(te.tags.get, "00000000-0000-4000-a000-000000000000")
    assert.is_false(missing_ok)
    assert.equals(404, missing.status)
  end)
end)
