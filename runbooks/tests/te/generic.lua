-- generic.lua: te.get/post/put/patch/delete, te.pages, te.items and te.call against the simulator.
runbook {
  name = "te-generic",
  description = "Exercises the generic te calls.",
}

local check = require("check")

-- te.get: decoded straight into Lua; ids are strings, integers stay integers.
local agents = te.get("/agents")
check.is_true(#agents.agents >= 2, "te.get /agents lists agents")
check.eq(type(agents.agents[1].agentId), "string", "agentId is a string")
local cloud = te.get("/agents", { agentTypes = { "cloud" } })
for _, agent in ipairs(cloud.agents) do
  check.eq(agent.agentType, "cloud", "agentTypes list filter")
end
check.eq(te.get("v7/agents").agents[1].agentId, agents.agents[1].agentId, "a path may carry v7/ and no slash")

-- te.post/put/delete round trip on users.
local groups = te.get("/account-groups").accountGroups
local roles = te.get("/roles").roles
local created = te.post("/users", {
  name = "Generic Tester",
  email = "generic.tester@example.com",
  accountGroupRoles = { { accountGroupId = groups[1].aid, roleIds = { roles[1].roleId } } },
})
check.eq(created.name, "Generic Tester", "te.post returns the created user")
local uid = created.uid
local updated = te.put("/users/" .. uid, { name = "Generic Tester 2" })
check.eq(updated.name, "Generic Tester 2", "te.put updates")
check.eq(te.get("/users/" .. uid).name, "Generic Tester 2", "the update is visible")
check.eq(te.delete("/users/" .. uid), nil, "te.delete returns nil for 204")
local gone = check.fails(function()
  te.get("/users/" .. uid)
end, "a deleted user is gone")
check.eq(gone.status, 404, "404 after delete")

-- te.patch: the API has no PATCH for users; the error is an API error value.
local patch_error = check.fails(function()
  te.patch("/users/" .. created.uid, { name = "x" })
end, "te.patch on a route without PATCH")
check.eq(type(patch_error.status), "number", "te.patch error has a status")
check.eq(patch_error.method, "PATCH", "te.patch error method")

-- te.pages: every page decoded; te.items: every item across pages. A fixed hour, so that
-- every walk sees the same rounds.
local hour = te.now() // 3600 * 3600
local range = {
  startDate = os.date("!%Y-%m-%dT%H:%M:%SZ", hour - 2 * 3600),
  endDate = os.date("!%Y-%m-%dT%H:%M:%SZ", hour - 3600),
}
local pages, total = 0, 0
for page in te.pages("/test-results/123456/network", range) do
  pages = pages + 1
  total = total + #page.results
  check.eq(page.test.testId, "123456", "each page is the whole decoded object")
end
check.is_true(pages >= 3, "te.pages walked several pages (page size is small)")
local items = 0
for result in te.items("/test-results/123456/network", "results", range) do
  items = items + 1
  check.eq(math.type(result.roundId), "integer", "roundId stays an integer")
end
check.eq(items, total, "te.items yields every item of every page")

-- te.call: any operation by id, params fill the path and the query.
local users = te.call("getUsers")
check.is_true(#users.users >= 1, "te.call getUsers")
local me = te.call("getUser", { id = users.users[1].uid })
check.eq(me.uid, users.users[1].uid, "te.call fills a path parameter")
local merged = te.call("getTestNetworkResults", { testId = 123456, startDate = range.startDate, endDate = range.endDate })
check.eq(#merged.results, total, "te.call merges the pages of a paginated operation")
check.eq(merged._links.next, nil, "the merged result has no next link")
local err = check.fails(function()
  te.call("getUser", {})
end, "te.call without a path parameter")
check.contains(tostring(err), "te.call(getUser): missing path parameter 'id' for GET /users/{id}", "message")
err = check.fails(function()
  te.call("noSuchOperation")
end, "te.call with an unknown operation")
check.contains(tostring(err), "te.call: unknown operation 'noSuchOperation'", "message")
err = check.fails(function()
  te.call("getUsers", { colour = "red" })
end, "te.call with an unknown parameter")
check.contains(tostring(err), "te.call(getUsers): unknown parameter 'colour' (accepted: aid)", "message")

check.done("generic")
