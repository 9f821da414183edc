-- Unit tests for the sandbox set-up (Sources/LuaHost/Lua/terun/sandbox.lua), run in a fresh
-- environment with fake host functions. terun's Swift tests check the real sandbox end to end.
local suite = ...
local describe, it, assert = suite.describe, suite.it, suite.assert
local library = require("te_library")

local function copy(t)
  local out = {}
  for k, v in pairs(t) do
    out[k] = v
  end
  return out
end

-- A sandboxed environment; `modules` maps a name to the source find_module compiles.
local function sandbox(modules)
  local env = {
    load = load, collectgarbage = collectgarbage, type = type, tostring = tostring, select = select,
    pairs = pairs, ipairs = ipairs, pcall = pcall, error = error, rawget = rawget, xpcall = xpcall,
    setmetatable = setmetatable, dofile = dofile, loadfile = loadfile, print = print,
    string = copy(string), table = copy(table), math = math, os = os, coroutine = copy(coroutine),
  }
  env._G = env
  local string_meta = {}
  env.getmetatable = function(v)
    if type(v) == "string" then
      return string_meta
    end
    return getmetatable(v)
  end
  local violation = function(message)
    error({ violation = message }, 0)
  end
  local guarded = {
    xpcall = xpcall, wrap = coroutine.wrap, close = coroutine.close, rep = string.rep, move = table.move,
    make_setmetatable = function()
      return setmetatable
    end,
  }
  local find_module = function(name)
    local source = (modules or {})[name]
    if source == nil then
      return nil, "module '" .. name .. "' not found"
    end
    return load(source, "@" .. name .. ".lua", "t", env), name .. ".lua"
  end
  library.load("terun/sandbox.lua", env)(violation, { find = string.find }, find_module, guarded,
    { "te/", "terun/" })
  return env, string_meta
end

-- The violation `source` (run in `env`) stops with, or nil.
local function violation(env, source)
  local ok, err = pcall(load(source, "=case", "t", env))
  return not ok and type(err) == "table" and err.violation or nil
end

describe("sandbox set-up", function()
  it("stops on reading a removed global, and only then", function()
    local env = sandbox()
    assert.equals("'io' is not available in the sandbox", violation(env, "return io"))
    assert.equals("'debug' is not available in the sandbox", violation(env, "return debug.getinfo"))
    assert.is_nil(violation(env, "return undefined_name"))
    assert.is_nil(rawget(env, "dofile"))
    assert.is_false(getmetatable(env))
  end)

  it("keeps only the allowed os functions", function()
    local env = sandbox()
    assert.equals(os.time, env.os.time)
    assert.equals("os.execute is not available in the sandbox (allowed: os.time, os.date, os.clock, os.difftime)",
      violation(env, "return os.execute"))
    assert.matches("^os%.%? is not available", violation(env, "return os[1]"))
  end)

  it("loads text chunks only and keeps collectgarbage to 'count'", function()
    local env = sandbox()
    assert.equals("load: only text chunks are allowed (mode 'b' refused)", violation(env, "load('x', 'x', 'b')"))
    assert.equals("load: binary chunks are not allowed", violation(env, "load('\\27Lua')"))
    assert.equals("load: the environment must be a table", violation(env, "load('x', 'x', 't', 5)"))
    assert.equals(3, env.load("return 1 + 2")())
    assert.has_error(env.load("error('x')", "@te/http.lua"), "./te/http.lua:1: x")
    assert.has_error(env.load("error('x')", "=terun/prelude"), "./terun/prelude:1: x")
    assert.has_error(env.load("error('x')", "@mine/te/x.lua"), "mine/te/x.lua:1: x")
    assert.equals("collectgarbage('collect') is not allowed in the sandbox (only 'count')",
      violation(env, "collectgarbage()"))
    assert.equals("number", type(env.collectgarbage("count")))
    assert.equals("string.dump is not available in the sandbox", violation(env, "string.dump(print)"))
    assert.equals(string.find, env.string.find)
  end)

  it("requires Lua modules once, refuses the denied ones and returns the standard ones", function()
    local env = sandbox({ util = "local n = ... ; counter = (counter or 0) + 1 ; return { name = n }",
      loop = "return require('loop')" })
    assert.equals("require('io'): module 'io' is not available in the sandbox", violation(env, "require('io')"))
    assert.equals(env.string, env.require("string"))
    local util = env.require("util")
    assert.equals("util", util.name)
    assert.equals(util, env.require("util"))
    assert.equals(1, env.counter)
    assert.has_error(function()
      env.require("missing")
    end, "module 'missing' not found")
    assert.has_error(function()
      env.require("loop")
    end, "require('loop'): loop while loading the module")
  end)

  it("freezes the string metatable", function()
    local env, string_meta = sandbox()
    local frozen = string_meta.__metatable
    assert.equals("the string metatable is read-only (tried to set '__index')",
      violation(env, "local m = ... ; m.__index = {}") or select(2, pcall(function()
        frozen.__index = {}
      end)).violation)
  end)
end)
