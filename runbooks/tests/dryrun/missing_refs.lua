-- missing_refs.lua: writes that name an agent, alert rule, role or account group that does not
-- exist, or creates without a field the API needs on create; the API refuses them, so the plan
-- must too.
runbook {
  name = "dryrun-missing-refs",
  description = "Refers to objects that do not exist.",
  params = {
    what = { type = "string", required = true, help = "agent, rule, user, permission, bare_user, bare_window or good" },
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
elseif what == "permission" then
  te.roles.create({ name = "Refs role", permissions = { "999999" } })
elseif what == "bare_user" then
  te.users.create({ name = "Bare", email = "bare@example.com" })
elseif what == "bare_window" then
  te.alerts.suppression_windows.create({ name = "Bare window" })
elseif what == "good" then
  local agents = te.agents.list()
  te.tests.update("123456", { agents = { { agentId = agents[1].agentId }, { agentId = agents[2].agentId } } })
end
