-- missing_refs.lua: writes that name an agent, alert rule, role or account group that does not
-- exist; the API refuses them, so the plan must too.
runbook {
  name = "dryrun-missing-refs",
  description = "Refers to objects that do not exist.",
  params = {
    what = { type = "string", required = true, help = "agent, rule, user or good" },
  },
}

local what = te.params.what
if what == "agent" then
  te.tests.update("123456", { agents = { { agentId = "999999" } } })
elseif what == "rule" then
  te.tests.update("123456", { alertRules = { { ruleId = "424242" } } })
elseif what == "user" then
  te.users.create({
    name = "Refs",
    email = "refs@example.com",
    accountGroupRoles = { { accountGroupId = "9999", roleIds = { "77" } } },
  })
elseif what == "good" then
  local agents = te.agents.list()
  te.tests.update("123456", { agents = { { agentId = agents[1].agentId }, { agentId = agents[2].agentId } } })
end
