-- pass_back.lua: reads a test with its agents, changes its interval, adds an agent, and passes
-- the whole object back to te.tests.update.
runbook {
  name = "dryrun-pass-back",
  description = "Changes a test's interval and adds an agent, passing the read object back.",
  params = {
    test_id = { type = "string", required = true, help = "the test" },
    interval = { type = "integer", required = true, help = "the new interval" },
    agent_id = { type = "string", required = true, help = "an agent to add" },
  },
}

local test = te.tests.get(te.params.test_id, { expand = "agent" })
test.interval = te.params.interval
local agents = te.json.array({})
local present = false
for i, agent in ipairs(test.agents) do
  agents[i] = agent
  present = present or agent.agentId == te.params.agent_id
end
if not present then
  agents[#agents + 1] = te.agents.get(te.params.agent_id)
end
test.agents = agents
te.tests.update(te.params.test_id, test)
