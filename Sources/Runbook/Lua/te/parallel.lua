-- te.parallel(items, fn, options): fn(item, index) for every item, each in a coroutine of its
-- own. A te request made inside one is started without blocking the Lua thread; the coroutine
-- yields, and this scheduler resumes it when its answer is in (wait_any). Lua stays
-- single-threaded; only the HTTP work overlaps. See docs/te.md.
--
-- Loaded before the parts that send requests: it replaces prim.request with one that is
-- asynchronous inside a te.parallel coroutine and blocking elsewhere, and adds te.parallel.
local prim, te, checks = ...
local assert_arg = checks.assert_arg

local blocking_request = prim.request
local request_start, request_finish = prim.request_start, prim.request_finish
local wait_any, new_group, cancel = prim.wait_any, prim.new_group, prim.cancel
local default_concurrency = prim.default_concurrency
local settings = prim.settings
local create, resume, status, close = coroutine.create, coroutine.resume, coroutine.status, coroutine.close
local running, yield, isyieldable = coroutine.running, coroutine.yield, coroutine.isyieldable
local type, error, pcall, pairs, tostring = type, error, pcall, pairs, tostring
local format, math_type = string.format, math.type
local setmetatable = setmetatable

-- Coroutines this scheduler runs, and the group (te.parallel call) each belongs to.
local owners = setmetatable({}, { __mode = "k" })
-- The request handle a coroutine waits for, set only by `request` right before it yields.
local awaiting = setmetatable({}, { __mode = "k" })

-- The request primitive the te library calls: inside a te.parallel coroutine (not in a dry
-- run, whose plan must be the sequential one), the request is started and the coroutine
-- yields until its answer is in; anywhere else it blocks.
local function request(method, path, query, body)
  local co = running()
  local group = owners[co]
  if group == nil or settings.dry_run or not isyieldable() then
    return blocking_request(method, path, query, body)
  end
  local started, value = request_start(method, path, query, body, group)
  if not started then
    return value
  end
  awaiting[co] = value
  yield()
  return request_finish(value)
end

local function is_kill(value)
  -- The host's kill sentinel is a light userdata; Lua code cannot make one.
  return type(value) == "userdata"
end

local function positive_integer(value)
  return math_type(value) == "integer" and value >= 1
end

local function check_options(options)
  if options == nil then
    return nil, false
  end
  assert_arg("te.parallel", 3, options, "table", nil, nil, 3)
  local concurrency, fail_fast = options.concurrency, options.fail_fast
  if concurrency ~= nil and not positive_integer(concurrency) then
    error(format("te.parallel: concurrency must be a positive integer, got %s", tostring(concurrency)), 3)
  end
  if fail_fast ~= nil and type(fail_fast) ~= "boolean" then
    error(format("te.parallel: fail_fast must be a boolean, got %s", type(fail_fast)), 3)
  end
  return concurrency, fail_fast == true
end

local function cancelled(failed_index)
  return {
    kind = "cancelled",
    message = format("te.parallel: cancelled after item %d failed (fail_fast)", failed_index),
  }
end

-- te.parallel(items, fn [, {concurrency = N, fail_fast = false}]) -> results, errors
local function parallel(items, fn, options)
  assert_arg("te.parallel", 1, items, "table")
  assert_arg("te.parallel", 2, fn, "function")
  local concurrency, fail_fast = check_options(options)
  local cap = settings.max_concurrency
  local limit = concurrency or default_concurrency()
  if limit > cap then
    limit = cap
  end
  if settings.dry_run then
    -- One item after another, in item order: the plan is the sequential plan.
    limit = 1
  end

  local count = #items
  local group = new_group()
  local results, errors = {}, {}
  local index_of = {}
  local by_handle = {}
  local live = {}
  local active, next_index, failed_at = 0, 1, nil

  local function finished(co)
    owners[co], awaiting[co], live[co], index_of[co] = nil, nil, nil, nil
    active = active - 1
  end

  local function failed(index, err)
    errors[index] = err
    if fail_fast and failed_at == nil then
      failed_at = index
    end
  end

  -- Resumes `co` (item `index`) and files what it did: done, failed, or waiting on a request.
  local function step(co, ...)
    local index = index_of[co]
    awaiting[co] = nil
    local ok, value = resume(co, ...)
    if not ok then
      finished(co)
      if is_kill(value) then
        error(value, 0)
      end
      failed(index, value)
    elseif status(co) == "dead" then
      finished(co)
      results[index] = value
    else
      local handle = awaiting[co]
      if handle == nil then
        finished(co)
        close(co)
        failed(index, format("te.parallel: item %d's function yielded outside a te request "
          .. "(coroutine.yield is not allowed directly inside te.parallel)", index))
      else
        by_handle[handle] = co
      end
    end
  end

  local function run()
    while true do
      while failed_at == nil and active < limit and next_index <= count do
        local index = next_index
        next_index = index + 1
        local co = create(fn)
        owners[co], index_of[co], live[co] = group, index, true
        active = active + 1
        step(co, items[index], index)
      end
      if active == 0 or failed_at ~= nil then
        return
      end
      local handle = wait_any(group)
      if handle == nil then
        error("te.parallel: coroutines wait but no request is in flight", 0)
      end
      local co = by_handle[handle]
      by_handle[handle] = nil
      step(co)
    end
  end

  local ok, err = pcall(run)
  -- Whatever ended the loop, nothing of this call stays in flight or suspended.
  cancel(group)
  for co in pairs(live) do
    owners[co], awaiting[co] = nil, nil
    close(co)
    if failed_at ~= nil then
      errors[index_of[co]] = cancelled(failed_at)
    end
  end
  if not ok then
    error(err, 0)
  end
  if failed_at ~= nil then
    for index = next_index, count do
      errors[index] = cancelled(failed_at)
    end
  end
  return results, errors
end

te.parallel = parallel
prim.request = request

local scheduler = {}

-- te.with_aid changes the account group of every call until its function returns: inside a
-- te.parallel item, other items would run in that group while it waits. Once the library is
-- installed, it is refused there (a call's own `aid` option works).
function scheduler.guard_with_aid()
  local with_aid = te.with_aid
  te.with_aid = function(aid, fn)
    if owners[running()] ~= nil then
      error("te.with_aid cannot be used inside a te.parallel function (the other items would run in its "
        .. "account group); pass { aid = ... } to the calls instead", 2)
    end
    return with_aid(aid, fn)
  end
end

return scheduler
