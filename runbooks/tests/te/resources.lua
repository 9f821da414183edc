-- resources.lua: every te resource function against the simulator.
runbook {
  name = "te-resources",
  description = "Exercises te.agents, te.tests, te.results, te.alerts, te.users, te.roles, te.account_groups and te.permissions.",
}

local check = require("check")

-- Agents: list, each, get, update, delete.
local agents = te.agents.list()
check.is_true(#agents >= 2, "te.agents.list")
check.eq(getmetatable(agents) ~= nil, true, "a list is marked as a JSON array")
local count = 0
for agent in te.agents.each({ agentTypes = "cloud" }) do
  count = count + 1
  check.eq(agent.agentType, "cloud", "te.agents.each passes opts as query")
end
check.is_true(count >= 1, "te.agents.each streams")
local one = te.agents.get(agents[1].agentId)
check.eq(one.agentId, agents[1].agentId, "te.agents.get")
check.eq(te.agents.get(tonumber(agents[1].agentId)).agentId, agents[1].agentId, "an id may be a number")
local enterprise
for _, agent in ipairs(agents) do
  if agent.agentType == "enterprise" then
    enterprise = agent
  end
end
check.is_true(enterprise ~= nil, "the simulator has an enterprise agent")
local renamed = te.agents.update(enterprise.agentId, { agentName = "renamed-by-te" })
check.eq(renamed.agentName, "renamed-by-te", "te.agents.update")
check.eq(te.agents.delete(enterprise.agentId), true, "te.agents.delete")
check.eq(check.fails(function()
  te.agents.get(enterprise.agentId)
end, "deleted agent").status, 404, "deleted agent is 404")

-- Tests: list, each, get (type resolved), create, update (partial, no read-only fields), delete.
local tests = te.tests.list()
check.is_true(#tests >= 2, "te.tests.list")
local seen = 0
for _ in te.tests.each() do
  seen = seen + 1
end
check.eq(seen, #tests, "te.tests.each yields what list returns")
local guide = te.tests.get(123456)
check.eq(guide.testId, "123456", "te.tests.get resolves the type itself")
check.is_true(guide.type ~= nil, "the test has a type")
local server_agents = { { agentId = agents[1].agentId } }
local created = te.tests.create("agent-to-server", {
  testName = "te created", server = "www.example.com", interval = 300, agents = server_agents,
})
check.eq(created.testName, "te created", "te.tests.create")
check.eq(created.type, "agent-to-server", "created with its type")
check.eq(te.tests.get(created.testId).interval, 300, "a created test can be read back by id")
-- GET -> modify -> update: the whole object goes back, read-only fields are dropped.
local copy = te.tests.get(created.testId)
copy.interval = 600
local after = te.tests.update(created.testId, copy)
check.eq(after.interval, 600, "te.tests.update with a modified GET result")
after = te.tests.update(created.testId, { interval = 900 })
check.eq(after.interval, 900, "te.tests.update with one field")
check.eq(after.testName, "te created", "a partial update keeps other fields")
local bad = check.fails(function()
  te.tests.update(created.testId, { intervl = 60 })
end, "te.tests.update with an unknown field")
check.contains(tostring(bad), "intervl UNKNOWN_FIELD: intervl is not a known field.", "message")
check.eq(bad.kind, "validation", "refused before it is sent")
check.eq(bad.errors[1].field, "intervl", "the field, as the API reports it")
check.eq(te.tests.delete(created.testId), true, "te.tests.delete")
local missing = check.fails(function()
  te.tests.get(created.testId)
end, "deleted test")
check.eq(missing.status, 404, "a deleted test is 404")
local unknown = check.fails(function()
  te.tests.get(987654321)
end, "a test id that no list holds")
check.eq(unknown.status, 404, "an unresolvable test is 404")
check.eq(unknown.path, "/tests/987654321", "its path")
check.contains(tostring(unknown), "te.tests.get: no test with id 987654321 in this account group", "message names the id")
check.contains(tostring(check.fails(function()
  te.tests.create("no-such-type", {})
end, "unknown test type")), "te.tests.create: unknown test type 'no-such-type'", "message")

-- Results: list and each, with kinds.
local hour = te.now() // 3600 * 3600
local range = {
  startDate = os.date("!%Y-%m-%dT%H:%M:%SZ", hour - 2 * 3600),
  endDate = os.date("!%Y-%m-%dT%H:%M:%SZ", hour - 3600),
}
local results = te.results.list(123456, "network", range)
check.is_true(#results > 0, "te.results.list network")
local streamed = 0
for _ in te.results.each(123456, range) do
  streamed = streamed + 1
end
check.eq(streamed, #results, "te.results.each defaults to network and takes opts second")

-- fields: only the listed members of each item are decoded; the values are the same.
local fields = { fields = { "roundId", "agent.agentId", "avgLatency" } }
local i = 0
for r in te.results.each(123456, "network", range, fields) do
  i = i + 1
  local full = results[i]
  check.eq(r.roundId, full.roundId, "fields: roundId kept")
  check.eq(r.avgLatency, full.avgLatency, "fields: avgLatency kept")
  check.eq(r.agent.agentId, full.agent.agentId, "fields: agent.agentId kept")
  check.eq(r.agent.agentName, nil, "fields: agent.agentName left out")
  check.eq(r.loss, nil, "fields: loss left out")
  check.eq(r.date, nil, "fields: date left out")
end
check.eq(i, #results, "fields: every result still comes")
i = 0
for r in te.results.each(123456, range, fields) do
  i = i + 1
  check.eq(r.loss, nil, "fields with the kind left out")
end
check.eq(i, #results, "te.results.each(test_id, query, options)")
local projected = te.results.list(123456, "network", range, { fields = { "agent" } })
check.eq(projected[1].agent.agentName, results[1].agent.agentName, "a path ending at an object keeps it whole")
check.eq(projected[1].roundId, nil, "te.results.list takes fields too")
local named = te.agents.list({ agentTypes = "cloud" }, { fields = { "agentName" } })
check.is_true(#named >= 1 and named[1].agentName ~= nil and named[1].agentId == nil, "te.agents.list with fields")
for agent in te.agents.each(nil, { fields = { "agentId" } }) do
  check.is_true(agent.agentId ~= nil and agent.agentName == nil, "te.agents.each with fields")
end
for item in te.items("/agents", "agents", nil, { fields = { "agentType" } }) do
  check.is_true(item.agentType ~= nil and item.agentId == nil, "te.items with fields")
end
-- as = "values": the position, then the fields' values in order; no table per result.
local as_values = { fields = { "agent.agentName", "roundId", "loss", "agent.agentId" }, as = "values" }
local positions = 0
for n, name, round, loss, id in te.results.each(123456, "network", range, as_values) do
  positions = positions + 1
  local full = results[n]
  check.eq(n, positions, "values: the position counts across pages")
  check.eq(name, full.agent.agentName, "values: agent.agentName")
  check.eq(round, full.roundId, "values: roundId")
  check.eq(loss, full.loss, "values: loss")
  check.eq(id, full.agent.agentId, "values: agent.agentId")
end
check.eq(positions, #results, "values: every result comes")
local missing = 0
for n, absent, round in te.items("/test-results/123456/network", "results", range, { fields = { "noSuchMember", "roundId" }, as = "values" }) do
  missing = n
  check.eq(absent, nil, "values: an absent member is nil, and the loop goes on")
  check.eq(round, results[n].roundId, "values through te.items")
end
check.eq(missing, #results, "values: a nil first value does not end the loop")
for _, name in te.agents.each(nil, { fields = { "agentName" }, as = "values" }) do
  check.is_true(type(name) == "string", "values through a resource's each")
end
check.contains(tostring(check.fails(function()
  te.results.list(123456, "network", range, as_values)
end, "values in list")), 'te.results.list: as = "values" is for iterators (each, te.items)', "message")
check.contains(tostring(check.fails(function()
  te.results.each(123456, "network", range, { as = "values" })
end, "values without fields")), 'te.results.each: as = "values" needs fields (the values to return, in order)', "message")
check.contains(tostring(check.fails(function()
  te.results.each(123456, "network", range, { fields = { "agent", "agent.agentId" }, as = "values" })
end, "overlap")), "te.results.each: fields 'agent' and 'agent.agentId' overlap; as values, each field must be a value of its own", "message")
check.contains(tostring(check.fails(function()
  te.agents.each(nil, { fields = { "agentId" }, as = "rows" })
end, "bad as")), 'te.agents.each: as must be "objects" or "values", got "rows"', "message")
check.contains(tostring(check.fails(function()
  te.results.each(123456, "network", range, { fields = "roundId" })
end, "fields not a list")), "te.results.each: fields must be a list of member names like 'agent.agentId', got string", "message")
check.contains(tostring(check.fails(function()
  te.results.each(123456, "network", range, { fields = { "agent..agentId" } })
end, "empty segment")), "te.results.each: fields[1] must be a member name like 'roundId' or 'agent.agentId', got 'agent..agentId'", "message")
check.contains(tostring(check.fails(function()
  te.agents.each(nil, { field = { "agentId" } })
end, "unknown option")), "te.agents.each: unknown option 'field' (accepted: fields, as)", "message")
check.contains(tostring(check.fails(function()
  te.items("/agents", "agents", nil, 5)
end, "options not a table")), "bad argument #4 to 'te.items' (table expected, got number)", "message")
local web
for _, test in ipairs(tests) do
  if test.type == "http-server" then
    web = test
  end
end
check.is_true(web ~= nil, "the simulator has an http-server test")
check.is_true(#te.results.list(web.testId, "http-server", range) > 0, "te.results.list http-server")
check.contains(tostring(check.fails(function()
  te.results.list(123456, "bogus")
end, "unknown kind")), "te.results.list: unknown result kind 'bogus'", "message")

-- Alerts, rules, suppression windows.
local alerts = te.alerts.list()
check.is_true(#alerts >= 1, "te.alerts.list")
local n = 0
for _ in te.alerts.each() do
  n = n + 1
end
check.eq(n, #alerts, "te.alerts.each")
check.eq(te.alerts.get(alerts[1].id).id, alerts[1].id, "te.alerts.get")

local rules = te.alerts.rules.list()
check.is_true(#rules >= 1, "te.alerts.rules.list")
check.eq(te.alerts.rules.get(rules[1].ruleId).ruleId, rules[1].ruleId, "te.alerts.rules.get")
local rule_body = {
  ruleName = "te rule", expression = "((loss >= 50%))", alertType = "end-to-end-server", roundsViolatingOutOf = 3,
  roundsViolatingRequired = 2,
}
local rule = te.alerts.rules.create(rule_body)
check.eq(rule.ruleName, "te rule", "te.alerts.rules.create")
rule_body.ruleName = "te rule 2"
check.eq(te.alerts.rules.update(rule.ruleId, rule_body).ruleName, "te rule 2", "te.alerts.rules.update")
check.eq(te.alerts.rules.delete(rule.ruleId), true, "te.alerts.rules.delete")

local windows = te.alerts.suppression_windows.list()
check.is_true(#windows >= 1, "te.alerts.suppression_windows.list")
check.eq(te.alerts.suppression_windows.get(windows[1].alertSuppressionWindowId).alertSuppressionWindowId,
  windows[1].alertSuppressionWindowId, "te.alerts.suppression_windows.get")
local window = te.alerts.suppression_windows.create({
  name = "te window", startDate = os.date("!%Y-%m-%dT%H:%M:%SZ", hour + 86400), duration = 3600,
})
check.eq(window.name, "te window", "te.alerts.suppression_windows.create")
check.eq(te.alerts.suppression_windows.update(window.alertSuppressionWindowId, { name = "te window 2" }).name,
  "te window 2", "te.alerts.suppression_windows.update")
check.eq(te.alerts.suppression_windows.delete(window.alertSuppressionWindowId), true,
  "te.alerts.suppression_windows.delete")

-- Users, roles, account groups, permissions.
local users = te.users.list()
check.is_true(#users >= 1, "te.users.list")
local each_users = 0
for _ in te.users.each() do
  each_users = each_users + 1
end
check.eq(each_users, #users, "te.users.each")
local current = te.users.current()
check.is_true(current.uid ~= nil, "te.users.current")
check.eq(te.users.get(current.uid).uid, current.uid, "te.users.get")

local permissions = te.permissions.list()
check.is_true(#permissions >= 1, "te.permissions.list")
local role = te.roles.create({ name = "te role", permissions = { permissions[1].permissionId } })
check.eq(role.name, "te role", "te.roles.create")
check.eq(te.roles.get(role.roleId).name, "te role", "te.roles.get")
check.eq(te.roles.update(role.roleId, { name = "te role 2" }).name, "te role 2", "te.roles.update")
local roles = te.roles.list()
check.is_true(#roles >= 2, "te.roles.list")

local groups = te.account_groups.list()
check.is_true(#groups >= 2, "te.account_groups.list")
check.eq(te.account_groups.get(groups[1].aid).aid, groups[1].aid, "te.account_groups.get")
local group = te.account_groups.create({ accountGroupName = "te group" })
check.eq(group.accountGroupName, "te group", "te.account_groups.create")
check.eq(te.account_groups.update(group.aid, { accountGroupName = "te group 2" }).accountGroupName, "te group 2",
  "te.account_groups.update")

local user = te.users.create({
  name = "Resource Tester", email = "resource.tester@example.com",
  accountGroupRoles = { { accountGroupId = group.aid, roleIds = { role.roleId } } },
})
check.eq(user.email, "resource.tester@example.com", "te.users.create")
check.eq(te.users.update(user.uid, { name = "Resource Tester 2" }).name, "Resource Tester 2", "te.users.update")
check.eq(te.users.delete(user.uid), true, "te.users.delete")
check.eq(te.roles.delete(role.roleId), true, "te.roles.delete")
check.eq(te.account_groups.delete(group.aid), true, "te.account_groups.delete")

check.done("resources")
