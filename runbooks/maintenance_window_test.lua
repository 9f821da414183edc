-- maintenance_window_test.lua: creates suppression windows on the simulator, live and as dry
-- runs, and reads them back through te.
local testing = require("testing")
local time = require("time")
local describe, it, assert = testing.describe, testing.it, testing.assert

local function windows_named(name)
  local found = {}
  for _, w in ipairs(te.alerts.suppression_windows.list()) do
    if w.name == name then
      found[#found + 1] = w
    end
  end
  return found
end

-- The ids of the tests whose names contain `text` (ignoring case), sorted.
local function test_ids_containing(text)
  local ids = {}
  for test in te.tests.each() do
    if test.testName:lower():find(text:lower(), 1, true) then
      ids[#ids + 1] = tostring(test.testId)
    end
  end
  table.sort(ids)
  return ids
end

-- The ids of a window's tests (a GET gives `tests` as objects; `testIds` is write-only), sorted.
local function test_ids_of(window)
  local out = {}
  for i, test in ipairs(window.tests or {}) do
    out[i] = tostring(test.testId)
  end
  table.sort(out)
  return out
end

describe("maintenance_window", function()
  it("creates a window for the matching tests, then updates it on a re-run", function()
    local start = "2030-01-05T01:00:00Z"
    local run = te.run_runbook("maintenance_window", { pattern = "example.com", start = start, duration = "90m", name = "t1" })
    assert.is_true(run.ok, run.error)
    local found = windows_named("t1")
    assert.equals(1, #found)
    local window = te.alerts.suppression_windows.get(found[1].alertSuppressionWindowId)
    local expected = test_ids_containing("example.com")
    assert.truthy(#expected >= 2, "several tests match")
    assert.same(expected, test_ids_of(window))
    assert.equals(90 * 60, window.duration)
    assert.equals(time.parse_iso(start), time.parse_iso(window.startDate))
    assert.matches('Created suppression window "t1": 2030%-01%-05T01:00:00Z to 2030%-01%-05T02:30:00Z', run.stdout)

    local again = te.run_runbook("maintenance_window", { pattern = "example.com", start = start, duration = "2h", name = "t1" })
    assert.is_true(again.ok, again.error)
    assert.equals(1, #windows_named("t1"), "no second window")
    assert.equals(7200, te.alerts.suppression_windows.get(found[1].alertSuppressionWindowId).duration)
    assert.matches("Updated suppression window", again.stdout)
  end)

  it("matches globs against the whole name", function()
    local run = te.run_runbook("maintenance_window", { pattern = "thousandeyes.com*", name = "t2" })
    assert.is_true(run.ok, run.error)
    local window = te.alerts.suppression_windows.get(windows_named("t2")[1].alertSuppressionWindowId)
    local expected = {}
    for test in te.tests.each() do
      if test.testName:lower():sub(1, #"thousandeyes.com") == "thousandeyes.com" then
        expected[#expected + 1] = tostring(test.testId)
      end
    end
    table.sort(expected)
    assert.same(expected, test_ids_of(window))
  end)

  it("plans the window as a dry run and creates nothing", function()
    local before = #te.alerts.suppression_windows.list()
    local run = te.run_runbook("maintenance_window", { pattern = "example", name = "t3" }, { dry_run = true })
    assert.is_true(run.ok, run.error)
    assert.equals(1, run.plan.creates)
    assert.equals("POST", run.plan.items[1].method)
    assert.matches("Would create", run.stdout)
    assert.equals(before, #te.alerts.suppression_windows.list())
    assert.equals(0, #windows_named("t3"))
  end)

  it("fails when no test name matches", function()
    local run = te.run_runbook("maintenance_window", { pattern = "no such test anywhere" })
    assert.is_false(run.ok)
    assert.matches('no test name in account group "[^"]+" matches "no such test anywhere"', run.error)
  end)
end)
