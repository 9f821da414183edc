-- context.lua: te.with_aid, te.config, te.sleep and te.now.
runbook {
  name = "te-context",
  description = "Exercises te.with_aid, te.config, te.sleep and te.now.",
}

local check = require("check")

local config = te.config()
check.eq(config.dry_run, false, "te.config().dry_run")
check.eq(config.mode, "live", "te.config().mode")
check.eq(te.mode, "live", "te.mode")
check.contains(config.user_agent, "terun/", "te.config().user_agent")
check.contains(config.base_url, "http://127.0.0.1:", "te.config().base_url")
check.eq(config.aid, nil, "no default aid")
local keys = {}
for key in pairs(config) do
  keys[#keys + 1] = key
end
table.sort(keys)
check.eq(table.concat(keys, ","), "base_url,dry_run,mode,user_agent", "te.config() holds only these fields")

-- with_aid: every call inside goes to the account group, and config says so.
local main_tests = te.tests.list()
local ops_tests, inner_aid = te.with_aid(5678, function()
  return te.tests.list(), te.config().aid
end)
check.eq(inner_aid, "5678", "te.config().aid inside te.with_aid")
check.eq(te.config().aid, nil, "te.with_aid restores the account group")
local main_ids, ops_ids = {}, {}
for _, t in ipairs(main_tests) do
  main_ids[t.testId] = true
end
for _, t in ipairs(ops_tests) do
  ops_ids[t.testId] = true
  check.eq(main_ids[t.testId], nil, "tests of another account group differ")
end
check.is_true(#ops_tests >= 1, "account group 5678 has tests")
-- A test of another group resolves its type within that group.
local other = te.with_aid("5678", function()
  return te.tests.get(ops_tests[1].testId)
end)
check.eq(other.testId, ops_tests[1].testId, "te.tests.get inside te.with_aid")
-- An explicit aid wins over te.with_aid.
local explicit = te.with_aid(5678, function()
  return te.tests.list({ aid = 1234 })
end)
check.eq(#explicit, #main_tests, "an explicit aid wins")
-- Errors inside te.with_aid propagate and restore the group.
local err = check.fails(function()
  te.with_aid(5678, function()
    error("inner failure")
  end)
end, "an error inside te.with_aid")
check.contains(tostring(err), "inner failure", "the inner error propagates")
check.eq(te.config().aid, nil, "restored after an error")
check.contains(tostring(check.fails(function()
  te.with_aid({}, function() end)
end, "bad aid")), "bad argument #1 to 'te.with_aid' (string or integer expected, got table)", "message")

-- te.now: integer epoch seconds; te.sleep: blocks for about that long.
local now = te.now()
check.eq(math.type(now), "integer", "te.now() is an integer")
check.is_true(math.abs(now - os.time()) <= 2, "te.now() is the current time")
local wall = te.now()
te.sleep(1.1)
check.is_true(te.now() - wall >= 1, "te.sleep(1.1) slept")
check.contains(tostring(check.fails(function()
  te.sleep(-1)
end, "negative sleep")), "bad argument #1 to 'te.sleep'", "message")

check.done("context")
