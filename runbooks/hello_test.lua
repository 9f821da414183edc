-- hello_test.lua: the smallest runbook, run through the real runner.
local testing = require("testing")
local describe, it, assert = testing.describe, testing.it, testing.assert

describe("hello", function()
  it("greets as many times as asked, in capitals with shout=true", function()
    local run = te.run_runbook("hello", { name = "Ada", times = 3, shout = true })
    assert.is_true(run.ok, run.error)
    assert.equals("HELLO, ADA!\nHELLO, ADA!\nHELLO, ADA!\n", run.stdout)
    assert.matches("INFO  greeted Ada", run.log)
  end)

  it("needs a name and an integer count", function()
    assert.matches("name", te.run_runbook("hello", {}).error)
    local bad = te.run_runbook("hello", { name = "Ada", times = "many" })
    assert.equals(2, bad.status)
    assert.matches("times", bad.error)
  end)
end)
