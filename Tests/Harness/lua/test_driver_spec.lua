-- Unit tests for the `terun test` driver (Sources/Runbook/Lua/terun/test_driver.lua), run in an
-- environment with a fake `te` hand-over and a fake stdlib `testing`. terun's Swift tests
-- (EmbeddedLuaFrameTests) run the real one.
local suite = ...
local describe, it, assert = suite.describe, suite.it, suite.assert
local library = require("te_library")

-- Runs the driver on the test file `source` named `name`; returns the environment, the
-- reported counts and the options testing.run got.
local function drive(source, name, verbose)
  local reported, options = nil, nil
  local env = { error = error, te = {} }
  env.te.__terun_test = {
    source = source,
    name = name,
    verbose = verbose,
    report = function(passed, failed)
      reported = { passed, failed }
    end,
  }
  env.load = function(text, chunk_name, mode)
    return load(text, chunk_name, mode, env)
  end
  env.require = function(module)
    assert.equals("testing", module)
    return {
      run = function(given)
        options = given
        return { passed = env.passed or 0, failed = env.failed or 0 }
      end,
    }
  end
  library.load("terun/test_driver.lua", env)()
  return env, reported, options
end

describe("terun test driver", function()
  it("runs the file without the hand-over, then reports the counts of testing.run", function()
    local env, reported, options = drive("seen = te.__terun_test; passed, failed = 3, 1", "x_test.lua", true)
    assert.equals(nil, env.seen)
    assert.equals(nil, env.te.__terun_test)
    assert.same({ 3, 1 }, reported)
    assert.same({ verbose = true }, options)
  end)

  it("raises a syntax error of the file as it is, naming the file's line", function()
    local ok, message = pcall(drive, "local x = (\n", "bad_test.lua", false)
    assert.equals(false, ok)
    assert.equals("bad_test.lua:2: unexpected symbol near <eof>", message)
  end)

  it("lets an error of the file's top level through with the file's line, reporting nothing", function()
    local reported
    local ok, message = pcall(function()
      local _
      _, reported = drive("local a = 1\nerror('boom')\n", "top_test.lua", false)
    end)
    assert.equals(false, ok)
    assert.equals("top_test.lua:2: boom", message)
    assert.equals(nil, reported)
  end)
end)
