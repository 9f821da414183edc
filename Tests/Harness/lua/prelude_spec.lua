-- Unit tests for the prelude (Sources/Runbook/Lua/terun/prelude.lua).
local suite = ...
local describe, it, assert = suite.describe, suite.it, suite.assert
local library = require("te_library")

local function prelude(header_rule)
  local out, logged = {}, {}
  local write = function(text)
    out[#out + 1] = text
  end
  local emit = function(level, message)
    logged[#logged + 1] = level .. ": " .. message
  end
  local enabled = { debug = false, info = true, warn = true, error = true }
  local print, log, runbook = library.load("terun/prelude.lua")(write, emit, enabled, header_rule, tostring,
    select, table.concat, string.format, pcall, error, type)
  return print, log, runbook, out, logged
end

describe("prelude", function()
  it("prints its arguments with tabs, nils included", function()
    local print, _, _, out = prelude("first")
    print(1, nil, "x", true)
    print()
    assert.same({ "1\tnil\tx\ttrue\n", "\n" }, out)
  end)

  it("logs formatted messages at enabled levels only", function()
    local _, log, _, _, logged = prelude("first")
    log.info("%d agents", 3)
    log.debug("hidden")
    assert.same({ "info: 3 agents" }, logged)
    assert.has_error(function()
      log.warn({})
    end, "bad argument #1 to 'te.log.warn' (string expected, got table)")
    assert.has_error(function()
      log.error("%d", "x")
    end, "te.log.error: ")
  end)

  it("takes the runbook header once, only when it is the first statement", function()
    local _, _, runbook = prelude("first")
    local header = { name = "x" }
    assert.equals(header, runbook(header))
    assert.has_error(function()
      runbook(header)
    end, "runbook { ... } may appear only once")
    local _, _, late = prelude("none")
    assert.has_error(function()
      late({})
    end, "the runbook { ... } header must be the first statement of the file")
    assert.has_error(function()
      late({})
    end, "runbook { ... } may appear only once")
  end)

  it("takes any number of headers in a session, each checked, raised at the caller's line", function()
    local _, _, runbook = prelude("any")
    local first, second = { name = "a" }, { name = "b" }
    assert.equals(first, runbook(first))
    assert.equals(second, runbook(second))
    local line = debug.getinfo(1, "l").currentline
    local ok, message = pcall(function()
      local header = runbook(5)
      return header
    end)
    assert.equals(false, ok)
    assert.equals("prelude_spec.lua:" .. (line + 2) .. ": runbook expects a table", message:match("[^/]*$"))
  end)

  it("refuses a header rule it does not know", function()
    assert.has_error(function()
      prelude(true)
    end, "terun: unknown header rule true")
  end)
end)
