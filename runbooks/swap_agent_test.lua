-- swap_agent_test.lua: swaps agents on the simulator and reads every test back: the tests
-- that used the old agent use the new one (once), the others are untouched.
local testing = require("testing")
local describe, it, assert = testing.describe, testing.it, testing.assert

local function agent_ids(test)
  local ids = {}
  for _, a in ipairs(te.tests.get(test.testId, test.aid and { aid = test.aid } or nil).agents or {}) do
    ids[#ids + 1] = a.agentId
  end
  return ids
end

local function uses(test_id, agent_id, aid)
  local t = te.tests.get(test_id, aid and { aid = aid } or nil)
  for _, a in ipairs(t.agents or {}) do
    if a.agentId == agent_id then
      return true
    end
  end
  return t.targetAgentId == agent_id
end

local function snapshot(aid)
  local s = {}
  for test in te.tests.each(aid and { aid = aid } or nil) do
    local t = te.tests.get(test.testId, aid and { aid = aid } or nil)
    s[test.testId] = t
  end
  return s
end

local function enterprise_agent(aid)
  for _, a in ipairs(te.agents.list({ aid = aid })) do
    if a.agentType == "enterprise" then
      return a
    end
  end
end

describe("swap_agent", function()
  it("moves exactly the tests that use the agent, and only them", function()
    local before = snapshot()
    local ea = enterprise_agent("1234")
    local run = te.run_runbook("swap_agent", { from = "Singapore", to = ea.agentName })
    assert.is_true(run.ok, run.error)
    local moved = 0
    for id, old in pairs(before) do
      local had = uses(id, "3")
      assert.is_false(had, "test " .. id .. " no longer uses Singapore")
      local old_ids = {}
      for _, a in ipairs(old.agents or {}) do
        old_ids[a.agentId] = true
      end
      if old_ids["3"] then
        moved = moved + 1
        assert.truthy(uses(id, ea.agentId), "test " .. id .. " uses the replacement")
        assert.matches("  " .. id .. "  ", run.stdout)
      else
        assert.equals(old.modifiedDate, te.tests.get(id).modifiedDate, "test " .. id .. " was not written")
      end
    end
    assert.truthy(moved > 0)
    assert.matches("Moved " .. moved .. " test%(s%); 0 failed", run.stdout)
    local again = te.run_runbook("swap_agent", { from = "Singapore", to = ea.agentName }, { dry_run = true })
    assert.is_true(again.ok, again.error)
    assert.equals(0, again.plan.writes)
  end)

  it("keeps the replacement once when a test already has both", function()
    local guide = te.tests.get(123456)
    local count = #guide.agents
    local run = te.run_runbook("swap_agent", { from = "Tokyo, Japan", to = "Boston, MA" })
    assert.is_true(run.ok, run.error)
    local ids = agent_ids({ testId = 123456 })
    assert.equals(count - 1, #ids)
    local seen = {}
    for _, id in ipairs(ids) do
      assert.is_nil(seen[id], "agent " .. id .. " listed once")
      seen[id] = true
    end
  end)

  it("plans one update per test it touches and sends nothing", function()
    local before = snapshot()
    local run = te.run_runbook("swap_agent", { from = "London, England", to = "Paris, France" }, { dry_run = true })
    assert.is_true(run.ok, run.error)
    local expected = 0
    for id, t in pairs(before) do
      for _, a in ipairs(t.agents or {}) do
        if a.agentName == "London, England" then
          expected = expected + 1
          local listed = false
          for _, item in ipairs(run.plan.items) do
            listed = listed or item.objectId == id
          end
          assert.truthy(listed, "test " .. id .. " is in the plan")
        end
      end
      assert.equals(t.modifiedDate, te.tests.get(id).modifiedDate)
    end
    assert.equals(expected, run.plan.updates)
    assert.equals(expected, run.plan.writes)
  end)

  it("covers every account group, and says where the replacement is missing", function()
    local ea = enterprise_agent("1234")
    local uses_in_other = false
    for test in te.tests.each({ aid = "5678" }) do
      uses_in_other = uses_in_other or uses(test.testId, "5", "5678")
    end
    assert.truthy(uses_in_other, "a test in Network Operations uses London")
    local run = te.run_runbook("swap_agent", { from = "London, England", to = ea.agentId, all_groups = true })
    assert.is_false(run.ok)
    assert.equals(1, run.status)
    assert.matches('Account group "Network Operations": agent "' .. ea.agentId .. '" is unknown here', run.stdout)
    assert.matches("failed %(see the lines above%)", run.error)
    local both = te.run_runbook("swap_agent", { from = "London, England", to = "Paris, France", all_groups = true })
    assert.is_true(both.ok, both.error)
    for _, aid in ipairs({ "1234", "5678" }) do
      for test in te.tests.each({ aid = aid }) do
        assert.is_false(uses(test.testId, "5", aid), aid .. "/" .. test.testId)
      end
    end
  end)

  it("reports a test the API refuses under its name, moves the others, and exits 1", function()
    -- An enterprise agent unshared from the account group while a test still lists it: that
    -- test's update is refused (400); the tests around it (by name) are moved.
    local ea = enterprise_agent("1234")
    local shared = {}
    for _, g in ipairs(te.agents.get(ea.agentId).accountGroups or {}) do
      shared[#shared + 1] = g.aid
    end
    local from, to
    for _, a in ipairs(te.agents.list()) do
      if a.agentType == "cloud" then
        if not from then
          from = a
        elseif not to then
          to = a
        end
      end
    end
    local used = 0
    for test in te.tests.each() do
      used = used + (uses(test.testId, from.agentId) and 1 or 0)
    end
    local function create(name, ids)
      local refs = {}
      for i, id in ipairs(ids) do
        refs[i] = { agentId = id }
      end
      return te.tests.create("agent-to-server", { testName = name, server = "swap.example.com", interval = 600, agents = te.json.array(refs) }).testId
    end
    local a = create("Swap A", { from.agentId })
    local b = create("Swap B", { from.agentId, ea.agentId })
    local c = create("Swap C", { from.agentId })
    te.agents.update(ea.agentId, { accountGroups = te.json.array({ "5678" }) })
    local run = te.run_runbook("swap_agent", { from = from.agentName, to = to.agentName })
    te.agents.update(ea.agentId, { accountGroups = te.json.array(shared) }, { aid = "5678" })
    assert.is_false(run.ok)
    assert.equals(1, run.status)
    assert.matches("1 item failed %(see the lines above%)", run.error)
    local expected = string.format(
      "  %s  Swap A (agent-to-server)\n  %s  Swap B (agent-to-server): failed: PUT /tests/agent-to-server/%s: 400 ",
      a, b, b)
    assert.truthy(run.stdout:find(expected, 1, true), run.stdout)
    local after_b = run.stdout:find(string.format("Agent %s does not exist. (INVALID_VALUE)\n  %s  Swap C (agent-to-server)\n", ea.agentId, c), 1, true)
    assert.truthy(after_b, run.stdout)
    assert.matches(string.format("Moved %d test%%(s%%); 1 failed", used + 2), run.stdout)
    assert.truthy(uses(a, to.agentId) and uses(c, to.agentId))
    assert.truthy(uses(b, from.agentId), "the refused test keeps its agents")
  end)

  it("refuses an unknown agent and a swap to itself", function()
    local missing = te.run_runbook("swap_agent", { from = "Atlantis", to = "Singapore" })
    assert.equals(2, missing.status)
    assert.matches('parameter from: agent "Atlantis" is unknown', missing.error)
    local same = te.run_runbook("swap_agent", { from = "Boston, MA", to = "4" })
    assert.equals(2, same.status)
    assert.matches("parameter to: \"4\" is the agent being replaced", same.error)
    local no_to = te.run_runbook("swap_agent", { from = "Boston, MA", to = "Atlantis" })
    assert.equals(2, no_to.status)
    assert.matches('parameter to: agent "Atlantis" is unknown', no_to.error)
  end)
end)
