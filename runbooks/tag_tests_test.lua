-- tag_tests_test.lua: tags and untags tests on the simulator, live and as dry runs, and reads
-- the tag's assignments back through te to check exactly which tests carry it.
local testing = require("testing")
local describe, it, assert = testing.describe, testing.it, testing.assert

local function find_tag(key, value)
  -- read with the generic call, not te.tags.find, so the check does not trust the code it tests
  for _, tag in ipairs(te.get("/tags", { expand = "assignments" }).tags) do
    if tag.key == key and tag.value == value and tag.objectType == "test" then
      return tag
    end
  end
end

local function tagged(key, value)
  local ids = {}
  local tag = find_tag(key, value)
  for _, a in ipairs(tag and tag.assignments or {}) do
    ids[a.id] = true
  end
  return ids
end

local function count(set)
  local n = 0
  for _ in pairs(set) do
    n = n + 1
  end
  return n
end

describe("tag_tests", function()
  it("creates the tag, tags the matching tests only, and a re-run changes nothing", function()
    local http = {}
    for test in te.tests.each() do
      if test.type == "http-server" then
        http[test.testId] = true
      end
    end
    assert.truthy(count(http) > 0, "the simulator has http-server tests")
    assert.is_nil(find_tag("tier", "gold"))
    local run = te.run_runbook("tag_tests", { tag = "tier:gold", type = "http-server", color = "#FFD700" })
    assert.is_true(run.ok, run.error)
    assert.same(http, tagged("tier", "gold"))
    assert.equals("#FFD700", find_tag("tier", "gold").color)
    assert.matches("Tagged " .. count(http) .. " test%(s%) with tier:gold", run.stdout)
    local again = te.run_runbook("tag_tests", { tag = "tier:gold", type = "http-server" })
    assert.is_true(again.ok, again.error)
    assert.matches("already have tier:gold; nothing to change", again.stdout)
    local plan = te.run_runbook("tag_tests", { tag = "tier:gold", type = "http-server" }, { dry_run = true })
    assert.is_true(plan.ok, plan.error)
    assert.equals(0, plan.plan.writes)
  end)

  it("adds to an existing tag without dropping the tests it already had", function()
    local before = tagged("env", "production")
    assert.truthy(before["123456"], "the seeded tag is on the guide's test")
    local run = te.run_runbook("tag_tests", { tag = "env:production", pattern = "example.com" })
    assert.is_true(run.ok, run.error)
    local after = tagged("env", "production")
    assert.truthy(after["123456"], "the earlier assignment stays")
    for test in te.tests.each() do
      if test.testName:lower():find("example.com", 1, true) then
        assert.truthy(after[test.testId], test.testName)
      end
    end
  end)

  it("untags only the matching tests", function()
    te.run_runbook("tag_tests", { tag = "wave:one", pattern = "*" })
    local all = tagged("wave", "one")
    local run = te.run_runbook("tag_tests", { tag = "wave:one", pattern = "thousandeyes.com", untag = true })
    assert.is_true(run.ok, run.error)
    assert.matches("Untagged 1 test%(s%) removing wave:one", run.stdout)
    local left = tagged("wave", "one")
    assert.is_nil(left["123456"])
    assert.equals(count(all) - 1, count(left))
    local again = te.run_runbook("tag_tests", { tag = "wave:one", pattern = "thousandeyes.com", untag = true })
    assert.matches("already lack wave:one; nothing to change", again.stdout)
  end)

  it("chooses tests by agent, by name or id", function()
    local guide = te.tests.get(123456)
    local agent = guide.agents[1]
    local by_name = te.run_runbook("tag_tests", { tag = "agent:first", agent = agent.agentName })
    assert.is_true(by_name.ok, by_name.error)
    local ids = tagged("agent", "first")
    assert.truthy(ids["123456"])
    for id in pairs(ids) do
      local uses = false
      for _, a in ipairs(te.tests.get(id).agents or {}) do
        uses = uses or a.agentId == agent.agentId
      end
      uses = uses or te.tests.get(id).targetAgentId == agent.agentId
      assert.truthy(uses, "test " .. id .. " uses agent " .. agent.agentId)
    end
    local by_id = te.run_runbook("tag_tests", { tag = "agent:first", agent = agent.agentId }, { dry_run = true })
    assert.is_true(by_id.ok, by_id.error)
    assert.equals(0, by_id.plan.writes)
  end)

  it("plans the create and the assignment without sending them", function()
    local run = te.run_runbook("tag_tests", { tag = "plan:only", pattern = "*" }, { dry_run = true })
    assert.is_true(run.ok, run.error)
    assert.equals(1, run.plan.creates)
    assert.equals(1, run.plan.updates)
    assert.equals("POST", run.plan.items[2].method)
    assert.matches("/assign$", run.plan.items[2].path)
    assert.matches("Would tag", run.stdout)
    assert.is_nil(find_tag("plan", "only"))
  end)

  it("refuses a bad tag, an unknown agent and no criterion, naming the parameter", function()
    local bad = te.run_runbook("tag_tests", { tag = "production", pattern = "*" })
    assert.equals(2, bad.status)
    assert.matches('parameter tag: "production" is not KEY:VALUE', bad.error)
    local empty = te.run_runbook("tag_tests", { tag = "env: ", pattern = "*" })
    assert.equals(2, empty.status)
    assert.matches("is not KEY:VALUE", empty.error)
    local agent = te.run_runbook("tag_tests", { tag = "a:b", agent = "Atlantis" })
    assert.equals(2, agent.status)
    assert.matches('parameter agent: agent "Atlantis" is unknown', agent.error)
    local none = te.run_runbook("tag_tests", { tag = "a:b" })
    assert.equals(2, none.status)
    assert.matches("give pattern=, type= or agent=", none.error)
    local nothing = te.run_runbook("tag_tests", { tag = "a:b", pattern = "no such test anywhere" })
    assert.is_true(nothing.ok, nothing.error)
    assert.matches("No test matches; nothing to tag", nothing.stdout)
    assert.is_nil(find_tag("a", "b"))
  end)
end)
