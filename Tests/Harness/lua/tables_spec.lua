-- Unit tests for stdlib/tables.lua.
local suite = ...
local describe, it, assert = suite.describe, suite.it, suite.assert
local tables = require("tables")

local agents = {
  { agentId = "3", agentName = "Singapore", countryId = "SG", n = 2 },
  { agentId = "7", agentName = "Boston, MA", countryId = "US", n = 1 },
  { agentId = "9", agentName = "Austin", countryId = "US", n = 2 },
  { agentId = "1", agentName = "Zürich", countryId = "CH" },
}

describe("tables", function()
  it("maps with index and filters in order", function()
    assert.same({ "3:1", "7:2", "9:3", "1:4" }, tables.map(agents, function(a, i)
      return a.agentId .. ":" .. i
    end))
    assert.same({ agents[2], agents[3] }, tables.filter(agents, function(a)
      return a.countryId == "US"
    end))
    assert.same({}, tables.map({}, tostring))
  end)

  it("finds and counts", function()
    local v, i = tables.find(agents, function(a)
      return a.countryId == "US"
    end)
    assert.equals(agents[2], v)
    assert.equals(2, i)
    assert.is_nil((tables.find(agents, function()
      return false
    end)))
    assert.equals(2, tables.count(agents, function(a)
      return a.countryId == "US"
    end))
    assert.equals(4, tables.count(agents))
  end)

  it("groups by field or function, keeping first-seen key order", function()
    local groups, order = tables.group_by(agents, "countryId")
    assert.same({ "SG", "US", "CH" }, order)
    assert.same({ agents[2], agents[3] }, groups.US)
    local by_len = tables.group_by(agents, function(a)
      return #a.agentName
    end)
    assert.same({ agents[3] }, by_len[6])
  end)

  it("indexes by key, last wins, and reports duplicates", function()
    local index, dups = tables.index_by(agents, "countryId")
    assert.equals(agents[3], index.US)
    assert.same({ "US" }, dups)
    local by_id = tables.index_by(agents, "agentId")
    assert.equals(agents[4], by_id["1"])
  end)

  it("sorts stably by key, ascending and descending, nil keys last", function()
    local asc = tables.sort_by(agents, "n")
    assert.same({ "7", "3", "9", "1" }, tables.map(asc, function(a)
      return a.agentId
    end))
    local desc = tables.sort_by(agents, "n", { desc = true })
    assert.same({ "3", "9", "7", "1" }, tables.map(desc, function(a)
      return a.agentId
    end))
    assert.same(desc, tables.sort_by(agents, "n", "desc"))
    assert.equals("3", agents[1].agentId, "input unchanged")
  end)

  it("keeps equal keys in input order for large inputs", function()
    local list = {}
    for i = 1, 500 do
      list[i] = { k = i % 3, i = i }
    end
    local sorted = tables.sort_by(list, "k")
    for j = 2, #sorted do
      local a, b = sorted[j - 1], sorted[j]
      assert.truthy(a.k < b.k or (a.k == b.k and a.i < b.i), "stable at " .. j)
    end
  end)

  it("sorts by function and mixed types (numbers before strings)", function()
    assert.same({ 1, 2, 10, "a", "b" }, tables.sort_by({ "b", 10, "a", 2, 1 }))
    assert.same({ "ccc", "bb", "a" }, tables.sort_by({ "a", "ccc", "bb" }, function(s)
      return #s
    end, "desc"))
  end)

  it("returns sorted keys and values", function()
    assert.same({ 1, 2, "a", "b" }, tables.keys({ b = 1, a = 2, [2] = 3, [1] = 4 }))
    assert.same({ 4, 3, 2, 1 }, tables.values({ b = 1, a = 2, [2] = 3, [1] = 4 }))
  end)

  it("uniq keeps the first of each value or key", function()
    assert.same({ 1, 2, 3 }, tables.uniq({ 1, 2, 1, 3, 2 }))
    local u = tables.uniq(agents, "countryId")
    assert.same({ "3", "7", "1" }, tables.map(u, function(a)
      return a.agentId
    end))
  end)

  it("sums keeping integers integer", function()
    assert.equals(5, tables.sum(agents, "n"))
    assert.equals(6, tables.sum({ 1, 2, 3 }))
    assert.equals(1.5, tables.sum({ 1, 0.5 }))
    assert.equals(0, tables.sum({}))
  end)

  it("concatenates lists, tests membership and builds sets", function()
    assert.same({ 1, 2, 3, "x" }, tables.concat_lists({ 1 }, { 2, 3 }, {}, { "x" }))
    assert.truthy(tables.contains({ "a", "b" }, "b"))
    assert.falsy(tables.contains({ "a", "b" }, "c"))
    assert.same({ SG = true, US = true, CH = true }, tables.set(agents, "countryId"))
  end)
end)
