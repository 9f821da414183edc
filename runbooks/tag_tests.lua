-- tag_tests.lua: puts a tag (KEY:VALUE) on every test that matches a name pattern, a type
-- or an agent, or takes it off with untag=true. Idempotent: tests that already have the tag
-- (or, untagging, do not) are left alone, and a re-run changes nothing. The tag is created
-- when missing; the assignments go in batches of 100 tests per request.
--
--   terun tag_tests tag=env:production pattern="*prod*"
--   terun tag_tests tag=team:netops type=http-server agent=Singapore --dry-run
--   terun tag_tests tag=env:production pattern="*staging*" untag=true

runbook {
  name = "tag_tests",
  description = "Tags (or untags) the tests matching a name pattern, a type or an agent, idempotently.",
  params = {
    tag = { type = "string", required = true, help = "the tag as KEY:VALUE, e.g. env:production" },
    pattern = { type = "string", help = "test name glob, ignoring case (* any text, ? one character; plain text: names containing it)" },
    type = {
      type = "enum",
      values = { "agent-to-server", "agent-to-agent", "bgp", "dns-server", "dns-trace", "dnssec", "http-server", "page-load", "web-transactions", "api", "ftp-server", "sip-server", "voice" },
      help = "only tests of this type",
    },
    agent = { type = "string", help = "only tests that run on (or target) this agent, by name or agentId" },
    untag = { type = "boolean", default = false, help = "remove the tag from the matching tests instead" },
    color = { type = "string", help = "the tag's color if it is created, e.g. #1976D2" },
  },
}

local admin = require("admin")
local selection = require("selection")

local BATCH = 100

local params = te.params
local key, value = admin.trim(params.tag):match("^([^:]+):(.+)$")
if not key then
  te.usage_error("tag", string.format('"%s" is not KEY:VALUE; give the tag as tag=env:production', params.tag))
end
key, value = admin.trim(key), admin.trim(value)
if not params.pattern and not params.type and not params.agent then
  te.usage_error("pattern", "give pattern=, type= or agent= to choose the tests (pattern=* for every test)")
end
local untag = params.untag == true
local label = key .. ":" .. value

local group = te.account_groups.current()
te.log.info('choosing tests in account group "%s" (%s); --aid ID uses another', tostring(group.accountGroupName), tostring(group.aid))

local agent_id
if params.agent then
  local agent, reason = selection.find_agent(te.agents.list(), params.agent)
  if not agent then
    te.usage_error("agent", reason)
  end
  agent_id = tostring(agent.agentId)
end

local tests = selection.tests(te, { pattern = params.pattern, type = params.type, agent_id = agent_id })
if #tests == 0 then
  print(string.format("No test matches; nothing to %s.", untag and "untag" or "tag"))
  return
end

local tag = te.tags.find(key, value, "test")

local assigned = {}
for _, a in ipairs(tag and tag.assignments or {}) do
  if a.type == "test" then
    assigned[tostring(a.id)] = true
  end
end

local change = {}
for _, test in ipairs(tests) do
  if (assigned[tostring(test.testId)] == true) == untag then
    change[#change + 1] = test
  end
end

local verb = untag and "untag" or "tag"
if #change == 0 then
  print(string.format("All %d matching test(s) %s %s; nothing to change.", #tests, untag and "already lack" or "already have", label))
  return
end

if not tag then
  local body = { key = key, value = value, objectType = "test", type = "static", accessType = "all" }
  if params.color then
    body.color = params.color
  end
  tag = te.tags.create(body)
  te.log.info("%s tag %s", te.dry_run and "would create" or "created", label)
end

local send = untag and te.tags.unassign or te.tags.assign
for first = 1, #change, BATCH do
  local ids = {}
  for i = first, math.min(first + BATCH - 1, #change) do
    ids[#ids + 1] = change[i].testId
  end
  send(tag.id, ids)
end

local done = te.mode == "plan" and "Would " .. verb or (te.mode == "confirm" and "Will " .. verb or (untag and "Untagged" or "Tagged"))
print(string.format("%s %d test(s) %s %s (%d matching, %d unchanged):", done, #change, untag and "removing" or "with", label, #tests, #tests - #change))
for _, test in ipairs(change) do
  print(string.format("  %s  %s (%s)", tostring(test.testId), tostring(test.testName), tostring(test.type)))
end
