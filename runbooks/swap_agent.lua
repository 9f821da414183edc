-- swap_agent.lua: moves every test that uses an agent (one being retired) to a replacement:
-- the agent is replaced in each test's agents, and as the target of agent-to-agent and voice
-- tests. With all_groups=true every account group the token can see is covered. The plan
-- lists exactly the tests it touches; tests that do not use the agent are not written.
--
--   terun swap_agent from="Old Branch EA" to="New Branch EA" --dry-run
--   terun swap_agent from=1201 to=1202 all_groups=true

runbook {
  name = "swap_agent",
  description = "Replaces an agent with another in every test that uses it (optionally in every account group).",
  params = {
    from = { type = "string", required = true, help = "the agent to replace, by agentName (ignoring case) or agentId" },
    to = { type = "string", required = true, help = "the replacement agent, by agentName or agentId" },
    all_groups = { type = "boolean", default = false, help = "every account group the token can see (default: the current one)" },
  },
}

local selection = require("selection")

local params = te.params

--- Resolves both agents among those visible in the current account group.
local function agents_here()
  local agents = te.agents.list()
  local from, from_reason = selection.find_agent(agents, params.from)
  local to, to_reason = selection.find_agent(agents, params.to)
  return from, from_reason, to, to_reason
end

--- The test's agents with `from` replaced by `to` (kept once), as references.
local function swapped_agents(test, from_id, to_id)
  local out, seen = {}, {}
  for _, agent in ipairs(test.agents or {}) do
    local id = tostring(agent.agentId)
    if id == from_id then
      id = to_id
    end
    if not seen[id] then
      seen[id] = true
      out[#out + 1] = { agentId = id }
    end
  end
  return out
end

--- The changes that move a test from `from_id` to `to_id`: its agents, and its target.
local function swapped(test, from_id, to_id)
  local changes = {}
  local uses = false
  for _, agent in ipairs(test.agents or {}) do
    uses = uses or tostring(agent.agentId) == from_id
  end
  if uses then
    changes.agents = swapped_agents(test, from_id, to_id)
  end
  if test.targetAgentId ~= nil and tostring(test.targetAgentId) == from_id then
    changes.targetAgentId = to_id
  end
  return changes
end

local changed, failed = 0, 0

local function swap_in_group(group)
  local from, from_reason, to, to_reason = agents_here()
  if not from then
    if not params.all_groups then
      te.usage_error("from", from_reason)
    end
    te.log.info('account group "%s": %s here; skipped', tostring(group.accountGroupName), from_reason)
    return
  end
  if to and tostring(to.agentId) == tostring(from.agentId) then
    te.usage_error("to", string.format('"%s" is the agent being replaced; give another agent', params.to))
  end
  local from_id = tostring(from.agentId)
  local tests = selection.tests(te, { agent_id = from_id })
  if #tests == 0 then
    print(string.format('Account group "%s": no test uses agent "%s" (%s)', tostring(group.accountGroupName), tostring(from.agentName), from_id))
    return
  end
  if not to then
    if not params.all_groups then
      te.usage_error("to", to_reason)
    end
    print(string.format('Account group "%s": %s here, so its %d test(s) using "%s" cannot move; share the agent with this group first', tostring(group.accountGroupName), to_reason, #tests, tostring(from.agentName)))
    failed = te.fail_count(#tests)
    return
  end
  local to_id = tostring(to.agentId)
  print(string.format('Account group "%s": %d test(s) use "%s" (%s) → "%s" (%s):', tostring(group.accountGroupName), #tests, tostring(from.agentName), from_id, tostring(to.agentName), to_id))
  -- Each test's change is sent concurrently (te.parallel); the lines come out in test order.
  local results, errors = te.parallel(tests, function(test)
    local changes = swapped(test, from_id, to_id)
    te.tests.update(test.testId, changes)
    return changes
  end)
  for i, test in ipairs(tests) do
    local name = string.format("%s  %s (%s)", tostring(test.testId), tostring(test.testName), tostring(test.type))
    if errors[i] == nil then
      changed = changed + 1
      print(string.format("  %s%s", name, results[i].targetAgentId and ", as target" or ""))
    else
      failed = te.fail_count(1)
      print(string.format("  %s: failed: %s", name, tostring(errors[i])))
    end
  end
end

if params.all_groups then
  te.account_groups.each(function(_, group)
    swap_in_group(group)
  end)
else
  swap_in_group(te.account_groups.current())
end

local verb = te.mode == "plan" and "Would move" or (te.mode == "confirm" and "Will move" or "Moved")
print(string.format("%s %d test(s); %d failed", verb, changed, failed))
