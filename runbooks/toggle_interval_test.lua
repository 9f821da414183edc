-- toggle_interval_test.lua: toggles and sets test intervals on the simulator, live and as
-- dry runs, and reads each test back through te to check what changed.
local testing = require("testing")
local describe, it, assert = testing.describe, testing.it, testing.assert

local function interval_of(id)
  return te.tests.get(id).interval
end

describe("toggle_interval", function()
  it("toggles 600 -> 300 -> 600 live", function()
    local id = 123456
    local before = interval_of(id)
    assert.equals(600, before, "the guide's test starts at 600")
    local run = te.run_runbook("toggle_interval", { test_id = id })
    assert.is_true(run.ok, run.error)
    assert.equals(300, interval_of(id))
    assert.matches("interval 600 → 300 s", run.stdout)
    local back = te.run_runbook("toggle_interval", { test_id = id })
    assert.is_true(back.ok, back.error)
    assert.equals(600, interval_of(id))
  end)

  it("plans the change as a dry run and leaves the test unchanged", function()
    local id = 123456
    local before = te.tests.get(id)
    local run = te.run_runbook("toggle_interval", { test_id = id }, { dry_run = true })
    assert.is_true(run.ok, run.error)
    assert.equals(1, run.plan.writes)
    assert.equals(1, run.plan.updates)
    assert.equals("PUT", run.plan.items[1].method)
    assert.equals("/tests/" .. before.type .. "/" .. id, run.plan.items[1].path)
    assert.matches("Would change", run.stdout)
    local after = te.tests.get(id)
    assert.equals(before.interval, after.interval)
    assert.equals(before.modifiedDate, after.modifiedDate)
  end)

  it("sets one interval on every test type", function()
    local seen = {}
    for test in te.tests.each() do
      if not seen[test.type] then
        seen[test.type] = true
        local target = test.interval == 900 and 1800 or 900
        local run = te.run_runbook("toggle_interval", { test_id = test.testId, interval = target })
        assert.is_true(run.ok, test.type .. ": " .. tostring(run.error))
        assert.equals(target, interval_of(test.testId), test.type)
      end
    end
    assert.truthy(seen["agent-to-server"] and seen["http-server"], "several test types were tried")
  end)

  it("says so when the interval is already the target", function()
    local id = 123456
    local current = interval_of(id)
    local run = te.run_runbook("toggle_interval", { test_id = id, interval = current })
    assert.is_true(run.ok, run.error)
    assert.matches("already " .. current .. " s; nothing to change", run.stdout)
  end)

  it("refuses an interval the API does not accept, and an unknown test", function()
    local bad = te.run_runbook("toggle_interval", { test_id = 123456, interval = 7 })
    assert.is_false(bad.ok)
    assert.equals(2, bad.status, "a bad value is a usage error")
    assert.matches("parameter interval: 7 is not an interval the API accepts; use one of 60,", bad.error)
    local missing = te.run_runbook("toggle_interval", { test_id = 42 })
    assert.is_false(missing.ok)
    assert.matches("no test with id 42", missing.error)
  end)
end)
