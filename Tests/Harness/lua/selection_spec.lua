-- Unit tests for stdlib/selection.lua (the parts that need no API).
local suite = ...
local describe, it, assert = suite.describe, suite.it, suite.assert
local selection = require("selection")

describe("selection", function()
  it("matches globs over whole names, ignoring case; plain text matches inside", function()
    assert.is_true(selection.name_matches("Checkout EU", "*checkout*"))
    assert.is_true(selection.name_matches("Checkout EU", "checkout"))
    assert.is_true(selection.name_matches("DNS a", "DNS ?"))
    assert.is_false(selection.name_matches("DNS ab", "DNS ?"))
    assert.is_false(selection.name_matches("my checkout", "checkout*"))
    assert.is_true(selection.name_matches("100% (a.b)", "100% (a.b)"))
    assert.is_false(selection.name_matches("100x (aXb)", "100% (a.b)"))
  end)

  it("finds agents by id or name and says why not", function()
    local agents = { { agentId = "3", agentName = "Tokyo" }, { agentId = "4", agentName = "Paris" }, { agentId = "5", agentName = "paris" } }
    assert.equals("3", selection.find_agent(agents, "tokyo").agentId)
    assert.equals("4", selection.find_agent(agents, "4").agentId)
    local none, reason = selection.find_agent(agents, "Lima")
    assert.is_nil(none)
    assert.equals('agent "Lima" is unknown', reason)
    local _, twice = selection.find_agent(agents, "Paris")
    assert.matches("ambiguous", twice)
  end)

  it("lists a test's agents and its target", function()
    local ids = selection.agent_ids({ agents = { { agentId = "3" } }, targetAgentId = "9" })
    assert.same({ ["3"] = true, ["9"] = true }, ids)
  end)
end)
