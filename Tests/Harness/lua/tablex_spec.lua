-- Unit tests for stdlib/tablex.lua.
local suite = ...
local describe, it, assert = suite.describe, suite.it, suite.assert
local tablex = require("tablex")

local agents = {
  { agentId = "3", agentName = "Singapore", countryId = "SG", n = 2 },
  { agentId = "7", agentName = "Boston, MA", countryId = "US", n = 1 },
  { agentId = "9", agentName = "Austin", countryId = "US", n = 2 },
  { agentId = "1", agentName = "Zürich", countryId = "CH" },
}

describe("tablex", function()
  it("maps with index and filters in order", function()
    assert.same({ "3:1", "7:2", "9:3", "1:4" }, tablex.map(agents, function(a, i)
      return a.agentId .. ":" .. i
    end))
    assert.same({ agents[2], agents[3] }, tablex.filter(agents, function(a)
      return a.countryId == "US"
    end))
    assert.same({}, tablex.map({}, tostring))
  end)

  it("finds and counts", function()
    local v, i = tablex.find(agents, function(a)
      return a.countryId == "US"
    end)
    assert.equals(agents[2], v)
    assert.equals(2, i)
    assert.is_nil((tablex.find(agents, function()
      return false
    end)))
    assert.equals(2, tablex.count(agents, function(a)
      return a.countryId == "US"
    end))
    assert.equals(4, tablex.count(agents))
  end)

  it("groups by field or function, keeping first-seen key order", function()
    local groups, order = tablex.group_by(agents, "countryId")
    assert.same({ "SG", "US", "CH" }, order)
    assert.same({ agents[2], agents[3] }, groups.US)
    local by_len = tablex.group_by(agents, function(a)
      return #a.agentName
    end)
    assert.same({ agents[3] }, by_len[6])
  end)

  it("indexes by key, last wins, and reports duplicates", function()
    local index, dups = tablex.index_by(agents, "countryId")
    assert.equals(agents[3], index.US)
    assert.same({ "US" }, dups)
    local by_id = tablex.index_by(agents, "agentId")
    assert.equals(agents[4], by_id["1"])
  end)

  it("sorts stably by key, ascending and descending, nil keys last", function()
    local asc = tablex.sort_by(agents, "n")
    assert.same({ "7", "3", "9", "1" }, tablex.map(asc, function(a)
      return a.agentId
    end))
    local desc = tablex.sort_by(agents, "n", { desc = true })
    assert.same({ "3", "9", "7", "1" }, tablex.map(desc, function(a)
      return a.agentId
    end))
    assert.same(desc, tablex.sort_by(agents, "n", "desc"))
    assert.equals("3", agents[1].agentId, "input unchanged")
  end)

  it("keeps equal keys in input order for large inputs", function()
    local list = {}
    for i = 1, 500 do
      list[i] = { k = i % 3, i = i }
    end
    local sorted = tablex.sort_by(list, "k")
    for j = 2, #sorted do
      local a, b = sorted[j - 1], sorted[j]
      assert.truthy(a.k < b.k or (a.k == b.k and a.i < b.i), "stable at " .. j)
    end
  end)

  it("sorts by function and mixed types (numbers before strings)", function()
    assert.same({ 1, 2, 10, "a", "b" }, tablex.sort_by({ "b", 10, "a", 2, 1 }))
    assert.same({ "ccc", "bb", "a" }, tablex.sort_by({ "a", "ccc", "bb" }, function(s)
      return #s
    end, "desc"))
  end)

  it("returns sorted keys and values", function()
    assert.same({ 1, 2, "a", "b" }, tablex.keys({ b = 1, a = 2, [2] = 3, [1] = 4 }))
    assert.same({ 4, 3, 2, 1 }, tablex.values({ b = 1, a = 2, [2] = 3, [1] = 4 }))
  end)

  it("uniq keeps the first of each value or key", function()
    assert.same({ 1, 2, 3 }, tablex.uniq({ 1, 2, 1, 3, 2 }))
    local u = tablex.uniq(agents, "countryId")
    assert.same({ "3", "7", "1" }, tablex.map(u, function(a)
      return a.agentId
    end))
  end)

  it("sums keeping integers integer", function()
    assert.equals(5, tablex.sum(agents, "n"))
    assert.equals(6, tablex.sum({ 1, 2, 3 }))
    assert.equals(1.5, tablex.sum({ 1, 0.5 }))
    assert.equals(0, tablex.sum({}))
  end)

  it("concatenates lists, tests membership and builds sets", function()
    assert.same({ 1, 2, 3, "x" }, tablex.concat_lists({ 1 }, { 2, 3 }, {}, { "x" }))
    assert.truthy(tablex.contains({ "a", "b" }, "b"))
    assert.falsy(tablex.contains({ "a", "b" }, "c"))
    assert.same({ SG = true, US = true, CH = true }, tablex.set(agents, "countryId"))
  end)
end)
