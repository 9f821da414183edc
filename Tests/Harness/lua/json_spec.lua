-- Unit tests for te.json's Lua half (Sources/LuaHost/Lua/terun/json.lua), with fake Swift
-- functions. terun's Swift tests (JSONLuaModuleTests) check the real codec end to end.
local suite = ...
local describe, it, assert = suite.describe, suite.it, suite.assert
local library = require("te_library")

-- The json table over fake raw functions; `kills` counts check_kill calls.
local function json()
  local kills = { n = 0 }
  local function raw(name)
    return function(value)
      if value == "bad" then
        return false, name .. ": bad input"
      end
      return true, name .. "(" .. tostring(value) .. ")"
    end
  end
  local function check_kill()
    kills.n = kills.n + 1
  end
  local t = library.load("terun/json.lua")(raw("encode"), raw("decode"), raw("array"), raw("object"),
    check_kill, error)
  return t, kills
end

describe("te.json wrapper", function()
  it("returns what the Swift function returns on success", function()
    local t, kills = json()
    assert.equals("encode(1)", t.encode(1))
    assert.equals("decode(x)", t.decode("x"))
    assert.equals("array(nil)", t.array())
    assert.equals("object(2)", t.object(2))
    assert.equals(0, kills.n)
  end)

  it("raises a failure at the caller's line, after checking for a kill", function()
    local t, kills = json()
    for _, name in ipairs({ "encode", "decode", "array", "object" }) do
      local line = debug.getinfo(1, "l").currentline
      local ok, message = pcall(function()
        local value = t[name]("bad")
        return value
      end)
      assert.equals(false, ok)
      assert.equals("json_spec.lua:" .. (line + 2) .. ": " .. name .. ": bad input", message:match("[^/]*$"))
    end
    assert.equals(4, kills.n)
  end)

  it("raises with the error function it was given, not the global one", function()
    local raised = {}
    local t = library.load("terun/json.lua")(function()
      return false, "nope"
    end, nil, nil, nil, function() end, function(message, level)
      raised[#raised + 1] = { message, level }
    end)
    t.encode(1)
    assert.same({ { "nope", 2 } }, raised)
  end)
end)
