-- active_alerts_test.lua: runs active_alerts against the simulator and checks its rows
-- against the alerts read independently through te.
local testing = require("testing")
local csv = require("csv")
local describe, it, assert = testing.describe, testing.it, testing.assert

local RANK = { critical = 1, major = 2, minor = 3, info = 4, unknown = 5 }

local function test_of(alert)
  return alert._links.test.href:match("/(%d+)$")
end

-- The alerts te lists, kept by `keep`, as the runbook should order them (most severe first,
-- newest first within a severity).
local function expected_alerts(keep)
  local list = {}
  for _, alert in ipairs(te.alerts.list()) do
    if keep(alert) then
      list[#list + 1] = alert
    end
  end
  table.sort(list, function(a, b)
    local ra, rb = RANK[a.alertSeverity], RANK[b.alertSeverity]
    if ra ~= rb then
      return ra < rb
    end
    return a.startDate > b.startDate
  end)
  return list
end

local function csv_rows(run)
  assert.is_true(run.ok, run.error)
  local rows = csv.read_records(run.stdout)
  return rows
end

local function assert_matches_alerts(expected, rows)
  assert.equals(#expected, #rows)
  for i, alert in ipairs(expected) do
    local row = rows[i]
    assert.equals(alert.alertId, row.alertId)
    assert.equals(alert.alertSeverity, row.severity)
    assert.equals(alert.alertType, row.alertType)
    assert.equals(test_of(alert), row.testId)
    assert.equals(te.tests.get(test_of(alert)).testName, row.testName)
    assert.equals(alert.startDate, row.startDate)
    assert.equals(tostring(alert.violationCount), row.violationCount)
  end
end

describe("active_alerts", function()
  it("lists every active alert as CSV, most severe first", function()
    local expected = expected_alerts(function()
      return true
    end)
    assert.truthy(#expected >= 2, "the simulator has active alerts")
    assert_matches_alerts(expected, csv_rows(te.run_runbook("active_alerts", { format = "csv" })))
  end)

  it("filters by test and by severity", function()
    local by_test = expected_alerts(function(a)
      return test_of(a) == "123456"
    end)
    assert_matches_alerts(by_test, csv_rows(te.run_runbook("active_alerts", { format = "csv", test_id = 123456 })))
    local severe = expected_alerts(function(a)
      return a.alertSeverity == "critical" or a.alertSeverity == "major"
    end)
    assert_matches_alerts(severe, csv_rows(te.run_runbook("active_alerts", { format = "csv", severity = { "critical", "MAJOR" } })))
  end)

  it("prints a terminal table with one line per alert", function()
    local run = te.run_runbook("active_alerts", {})
    assert.is_true(run.ok, run.error)
    local lines = {}
    for line in run.stdout:gmatch("[^\n]+") do
      lines[#lines + 1] = line
    end
    local expected = expected_alerts(function()
      return true
    end)
    assert.equals(#expected + 2, #lines, "header, rule and one line per alert")
    assert.matches("^Severity%s+Type%s+Test ID", lines[1])
    for i, alert in ipairs(expected) do
      assert.matches("^" .. alert.alertSeverity .. " ", lines[i + 2])
      assert.truthy(lines[i + 2]:find(alert.alertId, 1, true), "alert id on its line")
    end
  end)

  it("writes a CSV file with out=", function()
    local run = te.run_runbook("active_alerts", { format = "csv", out = "alerts.csv" })
    assert.is_true(run.ok, run.error)
    local rows = csv.read_records(run.files["alerts.csv"])
    assert.equals(#te.alerts.list(), #rows)
  end)

  it("refuses an unknown severity or window as a usage error", function()
    local run = te.run_runbook("active_alerts", { severity = { "urgent" } })
    assert.equals(2, run.status)
    assert.equals("parameter severity: 'urgent' is not one of critical, major, minor, info, unknown", run.error)
    local window = te.run_runbook("active_alerts", { window = "yesterday" })
    assert.equals(2, window.status)
    assert.matches("parameter window %(duration%)", window.error)
  end)
end)
