-- dry_run.lua: reads run live, writes are planned and not sent.
runbook {
  name = "te-dry-run",
  description = "Creates a user in a dry run.",
}

local check = require("check")

check.eq(te.dry_run, true, "te.dry_run")
check.eq(te.config().dry_run, true, "te.config().dry_run")
check.eq(te.mode, "plan", "te.mode in a dry run")
local before = #te.users.list()
local groups = te.account_groups.list()
local roles = te.roles.list()
local planned = te.users.create({
  name = "Planned", email = "planned@example.com",
  accountGroupRoles = { { accountGroupId = groups[1].aid, roleIds = { roles[1].roleId } } },
})
check.eq(planned.name, "Planned", "a planned create answers with its body")
check.eq(#te.users.list(), before, "nothing was created")
-- A read-only POST (a filter) is sent in a dry run: the simulator does not implement this
-- one, so its 404 shows the request went out rather than into the plan.
local sent = check.fails(function()
  te.post("/endpoint/agents/filter", { searchFilters = {} })
end, "a filter POST runs live in a dry run")
check.eq(sent.status, 404, "the filter POST reached the server")
check.contains(check.fails(function()
  te.post("/no/such/endpoint", {})
end, "an unclassifiable request"), "dry-run cannot classify POST /no/such/endpoint", "message")

check.done("dry_run")
