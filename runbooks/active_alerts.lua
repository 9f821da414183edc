-- active_alerts.lua: the alerts that are active now (or were in a window), as a terminal table
-- or as CSV, optionally only for one test and some severities.
--
--   terun active_alerts
--   terun active_alerts severity=critical,major window=24h
--   terun active_alerts test_id=123456 format=csv out=alerts.csv

runbook {
  name = "active_alerts",
  description = "Active alerts as a terminal table or CSV, filterable by test, severity and window.",
  params = {
    test_id = { type = "integer", help = "only alerts of this test" },
    severity = { type = "list", help = "only these severities: critical, major, minor, info, unknown" },
    window = { type = "duration", help = "alerts that started within this window (e.g. 1h, 24h, 7d); default: all active" },
    format = { type = "enum", values = { "table", "csv" }, default = "table", help = "table for the terminal, or csv" },
    out = { type = "string", default = "-", help = "output file under --out-dir, or - for stdout" },
  },
}

local csv = require("csv")
local report = require("report")
local tables = require("tables")
local time = require("time")

local params = te.params
local format = params.format
local out = params.out

local SEVERITY_RANK = { critical = 1, major = 2, minor = 3, info = 4, unknown = 5 }
local severity_filter
if params.severity and #params.severity > 0 then
  severity_filter = {}
  for _, s in ipairs(params.severity) do
    local key = s:lower():match("^%s*(.-)%s*$")
    if not SEVERITY_RANK[key] then
      te.usage_error("severity", string.format("'%s' is not one of critical, major, minor, info, unknown", s))
    end
    severity_filter[key] = true
  end
end

local query = {}
if params.window then
  query.window = time.format_window(time.parse_window(params.window))
end

--- The test id an alert refers to, from its `_links.test.href` (…/tests/{type}/{id}).
local function alert_test_id(alert)
  local links = alert._links or {}
  local href = links.test and links.test.href
  if type(href) == "string" then
    return href:match("/(%d+)/?$") or href:match("/(%d+)%?")
  end
  return nil
end

-- Alerts belong to one account group: say which.
local group = te.account_groups.current()
te.log.info('reading the alerts of account group "%s" (%s); --aid ID reads another', tostring(group.accountGroupName), tostring(group.aid))

local test_names = {}
for test in te.tests.each() do
  test_names[tostring(test.testId)] = test.testName
end

local wanted_test = params.test_id and tostring(params.test_id) or nil
local rows = {}
for alert in te.alerts.each(query) do
  local severity = tostring(alert.alertSeverity or alert.severity or "unknown"):lower()
  local test_id = alert_test_id(alert)
  local keep = (not severity_filter or severity_filter[severity]) and (not wanted_test or test_id == wanted_test)
  if keep then
    local started = alert.startDate or alert.dateStart
    local parsed, epoch = pcall(time.parse_iso, started)
    rows[#rows + 1] = {
      alertId = alert.id or alert.alertId,
      severity = severity,
      alertType = alert.alertType,
      testId = test_id,
      testName = test_id and test_names[test_id] or nil,
      startDate = started,
      started_epoch = parsed and epoch or 0,
      violationCount = alert.violationCount,
      ruleId = alert.alertRuleId or alert.ruleId,
      suppressed = alert.suppressed,
    }
  end
end

-- Most severe first; newest first within a severity.
rows = tables.sort_by(rows, "started_epoch", "desc")
rows = tables.sort_by(rows, function(r)
  return SEVERITY_RANK[r.severity] or 9
end)

local columns = { "alertId", "severity", "alertType", "testId", "testName", "startDate", "violationCount", "ruleId", "suppressed" }
local text
if format == "csv" then
  local sink, contents = csv.buffer_sink()
  local writer = csv.writer({ sink = sink, out = out, header = columns })
  for _, r in ipairs(rows) do
    local values = { n = #columns }
    for i, c in ipairs(columns) do
      values[i] = r[c]
    end
    writer:row(values)
  end
  writer:close()
  text = contents()
else
  text = report.table(rows, {
    columns = {
      { key = "severity", title = "Severity" },
      { key = "alertType", title = "Type" },
      { key = "testId", title = "Test ID", align = "right" },
      { key = "testName", title = "Test", max_width = 40 },
      { key = "startDate", title = "Started (UTC)" },
      { key = "violationCount", title = "Violations" },
      { key = "suppressed", title = "Suppressed" },
      { key = "alertId", title = "Alert ID" },
    },
    empty = "(no active alerts)",
  }) .. "\n"
end

if out == "-" then
  print((text:gsub("\n$", "")))
else
  te.fs.write(out, text)
  print(string.format("Wrote %d alert(s) to %s", #rows, out))
end
te.log.info("%d alert(s) match", #rows)
