-- maintenance_window.lua: an alert suppression window for the tests whose names match a
-- pattern, starting now or at a given time, for a given duration. Re-running with the same
-- window name updates that window instead of creating a second one.
--
--   terun maintenance_window pattern="*checkout*" duration=2h
--   terun maintenance_window pattern="DNS *" start=2026-11-28T01:00:00Z duration=90m --dry-run
--
-- Patterns are globs matched against the whole test name, ignoring case: * is any text,
-- ? one character. Without * or ?, the pattern matches names that contain it.

runbook {
  name = "maintenance_window",
  description = "Creates (or updates) an alert suppression window for the tests whose names match a pattern.",
  params = {
    pattern = { type = "string", required = true, help = "test name glob, e.g. *checkout* (plain text: names containing it)" },
    duration = { type = "duration", default = "1h", help = "how long alerts stay suppressed: 30m, 2h, 1d" },
    start = { type = "datetime", help = "start time, ISO 8601 (default: now)" },
    name = { type = "string", help = "the window's name (default: 'terun maintenance: PATTERN')" },
  },
}

local admin = require("admin")
local selection = require("selection")
local tables = require("tables")
local time = require("time")

local params = te.params
local dry = te.dry_run == true
local pattern = admin.trim(params.pattern)
if pattern == "" then
  te.usage_error("pattern", "must not be empty; give a test name glob such as pattern=\"*checkout*\"")
end

local lua_pattern = selection.glob_pattern(pattern)
local duration = time.parse_window(params.duration)
local now = time.now()
local start = params.start and math.floor(time.parse_iso(params.start)) or now
local window_name = params.name and admin.trim(params.name) ~= "" and admin.trim(params.name) or ("terun maintenance: " .. pattern)

-- Tests and suppression windows belong to one account group: say which.
local group = te.account_groups.current()
te.log.info('matching the tests of account group "%s" (%s); --aid ID uses another', tostring(group.accountGroupName), tostring(group.aid))

local tests = {}
for test in te.tests.each() do
  if tostring(test.testName or ""):lower():find(lua_pattern) then
    tests[#tests + 1] = test
  end
end
if #tests == 0 then
  error(string.format('no test name in account group "%s" matches "%s"; nothing to suppress', tostring(group.accountGroupName), pattern), 0)
end
tests = tables.sort_by(tests, function(t)
  return tostring(t.testName):lower()
end)

local body = {
  name = window_name,
  isEnabled = true,
  startDate = time.format_iso(start),
  duration = duration,
  testIds = te.json.array(tables.map(tests, function(t)
    return tostring(t.testId)
  end)),
}

local existing = tables.find(te.alerts.suppression_windows.list(), function(w)
  return w.name == window_name
end)

local verb
if existing then
  te.alerts.suppression_windows.update(existing.alertSuppressionWindowId, body)
  verb = dry and "Would update" or "Updated"
else
  te.alerts.suppression_windows.create(body)
  verb = dry and "Would create" or "Created"
end

print(string.format(
  '%s suppression window "%s": %s to %s (%s), %d test(s):',
  verb,
  window_name,
  time.format_iso(start),
  time.format_iso(start + duration),
  time.format_window(duration),
  #tests
))
for _, t in ipairs(tests) do
  print(string.format("  %s  %s (%s)", tostring(t.testId), tostring(t.testName), tostring(t.type)))
end
