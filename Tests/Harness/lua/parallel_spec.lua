-- Unit tests for te.parallel's scheduler (Sources/Runbook/Lua/te/parallel.lua), on fake
-- primitives whose requests complete last-started-first, so that answers come out of order.
local suite = ...
local describe, it, assert = suite.describe, suite.it, suite.assert
local library = require("te_library")

-- A te table with te.parallel over fake primitives; returns te, the request function the
-- library would use, and the log of what the fake host saw.
local function install(options)
  options = options or {}
  local log = { started = {}, cancelled = 0, in_flight = 0, peak = 0 }
  local pending, next_handle = {}, 0
  local prim = {
    settings = { dry_run = options.dry_run == true, max_concurrency = options.cap or 8 },
    request = function(method, path)
      log.started[#log.started + 1] = "blocking " .. path
      return "blocking:" .. path
    end,
    request_start = function(method, path, query, body, group)
      next_handle = next_handle + 1
      pending[#pending + 1] = { handle = next_handle, path = path, group = group }
      log.started[#log.started + 1] = path
      log.in_flight = log.in_flight + 1
      log.peak = math.max(log.peak, log.in_flight)
      return true, next_handle
    end,
    wait_any = function(group)
      for i = #pending, 1, -1 do
        if pending[i].group == group then
          local entry = table.remove(pending, i)
          log.in_flight = log.in_flight - 1
          log.done = log.done or {}
          log.done[entry.handle] = entry.path
          return entry.handle
        end
      end
      return nil
    end,
    request_finish = function(handle)
      local path = log.done[handle]
      if path:find("fail") then
        error({ kind = "api", status = 404, message = "GET " .. path .. ": not found" })
      end
      return { path = path }
    end,
    new_group = function()
      log.groups = (log.groups or 0) + 1
      return log.groups
    end,
    cancel = function(group)
      for i = #pending, 1, -1 do
        if pending[i].group == group then
          table.remove(pending, i)
          log.in_flight = log.in_flight - 1
          log.cancelled = log.cancelled + 1
        end
      end
    end,
    default_concurrency = function()
      return options.default or 3
    end,
  }
  local te = {}
  library.load("te/parallel.lua")(prim, te, library.load("te/checks.lua")(prim))
  return te, prim.request, log
end

describe("te.parallel", function()
  it("returns results in item order though answers come out of order", function()
    local te, request, log = install()
    local items = { "a", "b", "c", "d", "e", "f", "g" }
    local results, errors = te.parallel(items, function(item, index)
      return request("GET", "/x/" .. item).path .. "#" .. index
    end)
    for i, item in ipairs(items) do
      assert.equals("/x/" .. item .. "#" .. i, results[i])
    end
    assert.is_nil(next(errors))
    assert.equals(3, log.peak, "the default concurrency")
  end)

  it("collects errors per item and goes on", function()
    local te, request = install()
    local results, errors = te.parallel({ "ok1", "fail", "boom", "ok2" }, function(item)
      if item == "boom" then
        error("boom!", 0)
      end
      return request("GET", "/" .. item).path
    end)
    assert.equals("/ok1", results[1])
    assert.equals(404, errors[2].status)
    assert.equals("boom!", errors[3])
    assert.equals("/ok2", results[4])
  end)

  it("fail_fast cancels the requests in flight and the items not started", function()
    local te, request, log = install({ default = 2 })
    local items = {}
    for i = 1, 10 do
      items[i] = i
    end
    local results, errors = te.parallel(items, function(i)
      local answer = request("GET", i == 2 and "/fail" or ("/x/" .. i))
      return answer.path
    end, { fail_fast = true })
    assert.equals(404, errors[2].status)
    assert.equals(1, log.cancelled, "item 1's request was still in flight")
    for i = 3, 10 do
      assert.equals("cancelled", errors[i].kind, "item " .. i)
    end
    assert.equals("cancelled", errors[1].kind)
    assert.is_nil(results[1])
  end)

  it("runs one item at a time in a dry run, with blocking requests", function()
    local te, request, log = install({ dry_run = true })
    local results = te.parallel({ 1, 2, 3 }, function(i)
      return request("POST", "/u/" .. i)
    end, { concurrency = 8 })
    assert.equals("blocking:/u/1", results[1])
    assert.equals("blocking:/u/3", results[3])
    assert.equals("blocking /u/1", log.started[1])
    assert.equals(0, log.peak)
  end)

  it("caps the concurrency at max_concurrency and refuses bad options", function()
    local te, request, log = install({ cap = 2 })
    te.parallel({ 1, 2, 3, 4, 5 }, function(i)
      return request("GET", "/x/" .. i)
    end, { concurrency = 50 })
    assert.equals(2, log.peak)
    assert.matches("concurrency must be a positive integer, got 1.5", select(2, pcall(te.parallel, {}, print, { concurrency = 1.5 })))
    assert.matches("fail_fast must be a boolean", select(2, pcall(te.parallel, {}, print, { fail_fast = "yes" })))
    assert.matches("bad argument #3 to 'te.parallel' %(table expected, got string%)", select(2, pcall(te.parallel, {}, print, "x")))
  end)

  it("an item that yields by itself fails; a request inside the item's own coroutine blocks", function()
    local te, request = install()
    local results, errors = te.parallel({ 1, 2 }, function(i)
      if i == 1 then
        coroutine.yield("not a request")
      end
      return coroutine.wrap(function()
        return request("GET", "/inner")
      end)()
    end)
    assert.matches("item 1's function yielded outside a te request", errors[1])
    assert.equals("blocking:/inner", results[2])
  end)
end)
