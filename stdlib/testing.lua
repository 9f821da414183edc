--- testing: a small busted-style test framework for runbook tests (`*_test.lua`).
---
--- ```lua
--- local testing = require("testing")
--- local describe, it, before_each, assert = testing.describe, testing.it, testing.before_each, testing.assert
---
--- describe("export_latency", function()
---   local rows
---   before_each(function() rows = {} end)
---   it("keeps integers", function()
---     assert.equals(3, math.tointeger(3.0))
---     assert.same({ a = { 1, 2 } }, { a = { 1, 2 } })
---     assert.has_error(function() error("boom") end, "boom")
---   end)
--- end)
---
--- local results = testing.run()   -- `terun test` calls this for you
--- print(testing.summary(results)) -- "1 passed, 0 failed"
--- ```
--- `describe` runs its body at once to collect tests; `run` then runs every `it` in order,
--- each after the `before_each` functions of its enclosing blocks (outermost first) and
--- before their `after_each` functions (innermost first). A failing test does not stop the
--- others. `testing.new()` makes an independent suite with the same functions.
local testing = {}

-- Values and messages -----------------------------------------------------------------------

local function describe_value(v, depth)
  depth = depth or 0
  local t = type(v)
  if t == "string" then
    return string.format("%q", v)
  elseif t == "number" then
    if math.type(v) == "integer" then
      return tostring(v)
    end
    local s = string.format("%.17g", v)
    if not s:find("[%.eEn]") then
      s = s .. ".0"
    end
    return s
  elseif t == "table" then
    if depth > 2 then
      return "{...}"
    end
    local parts, n = {}, 0
    local count = #v
    for i = 1, count do
      parts[#parts + 1] = describe_value(v[i], depth + 1)
      n = n + 1
      if n >= 10 then
        parts[#parts + 1] = "..."
        return "{" .. table.concat(parts, ", ") .. "}"
      end
    end
    local keys = {}
    for k in pairs(v) do
      if not (math.type(k) == "integer" and k >= 1 and k <= count) then
        keys[#keys + 1] = k
      end
    end
    table.sort(keys, function(a, b)
      return tostring(a) < tostring(b)
    end)
    for _, k in ipairs(keys) do
      local key = (type(k) == "string" and k:match("^[%a_][%w_]*$")) and k or ("[" .. describe_value(k, depth + 1) .. "]")
      parts[#parts + 1] = key .. " = " .. describe_value(v[k], depth + 1)
      n = n + 1
      if n >= 10 then
        parts[#parts + 1] = "..."
        break
      end
    end
    return "{" .. table.concat(parts, ", ") .. "}"
  end
  return tostring(v)
end
testing.describe_value = describe_value

local function same_scalar(a, b)
  if type(a) == "number" and type(b) == "number" then
    return a == b and math.type(a) == math.type(b)
  end
  return a == b
end

-- Deep comparison; returns nil when equal, or the path and both values where they differ.
local function deep_diff(expected, actual, path, seen)
  if type(expected) ~= "table" or type(actual) ~= "table" then
    if same_scalar(expected, actual) then
      return nil
    end
    return path, expected, actual
  end
  if expected == actual then
    return nil
  end
  seen = seen or {}
  if seen[expected] == actual then
    return nil
  end
  seen[expected] = actual
  for k, v in pairs(expected) do
    local p, e, a = deep_diff(v, actual[k], path .. "[" .. describe_value(k) .. "]", seen)
    if p then
      return p, e, a
    end
  end
  for k, v in pairs(actual) do
    if expected[k] == nil then
      return path .. "[" .. describe_value(k) .. "]", nil, v
    end
  end
  return nil
end

--- Whether two values are deeply equal (tables compared by content; 3 and 3.0 differ).
---@param a any
---@param b any
---@return boolean
function testing.deep_equal(a, b)
  return deep_diff(a, b, "") == nil
end

local function fail(message, user_message)
  if user_message then
    message = tostring(user_message) .. ": " .. message
  end
  error(message, 3)
end

-- Assertions ---------------------------------------------------------------------------------

--- Assertions. Each raises an error that names the caller's line when it does not hold.
--- The table can also be called like Lua's `assert(value, message)`.
local assert_table = {}

--- `expected == actual`, with integers and floats distinct (3 is not 3.0).
function assert_table.equals(expected, actual, message)
  if not same_scalar(expected, actual) then
    fail(string.format("expected %s, got %s", describe_value(expected), describe_value(actual)), message)
  end
end

--- `expected ~= actual`.
function assert_table.not_equals(unexpected, actual, message)
  if same_scalar(unexpected, actual) then
    fail(string.format("expected a value other than %s", describe_value(actual)), message)
  end
end

--- Deep equality of tables (and equality of anything else).
function assert_table.same(expected, actual, message)
  local path, e, a = deep_diff(expected, actual, "")
  if path then
    local where = path == "" and "" or (" at " .. path)
    fail(string.format("values differ%s: expected %s, got %s", where, describe_value(e), describe_value(a)), message)
  end
end

--- The value is neither nil nor false.
function assert_table.truthy(value, message)
  if not value then
    fail("expected a truthy value, got " .. describe_value(value), message)
  end
end

--- The value is nil or false.
function assert_table.falsy(value, message)
  if value then
    fail("expected a falsy value, got " .. describe_value(value), message)
  end
end

--- The value is nil.
function assert_table.is_nil(value, message)
  if value ~= nil then
    fail("expected nil, got " .. describe_value(value), message)
  end
end

--- The value is not nil.
function assert_table.not_nil(value, message)
  if value == nil then
    fail("expected a value, got nil", message)
  end
end

--- |expected - actual| <= tolerance.
function assert_table.near(expected, actual, tolerance, message)
  if type(actual) ~= "number" or math.abs(expected - actual) > tolerance then
    fail(string.format("expected %s ± %s, got %s", describe_value(expected), describe_value(tolerance), describe_value(actual)), message)
  end
end

--- The string matches a Lua pattern.
function assert_table.matches(pattern, actual, message)
  if type(actual) ~= "string" or not actual:find(pattern) then
    fail(string.format("expected %s to match pattern %s", describe_value(actual), describe_value(pattern)), message)
  end
end

--- `fn` raises an error. If `expected` is a string, the error's text must contain it (plain
--- text, not a pattern); if a table, the error value must be deeply equal to it. Returns the
--- error value, so a test can look further (`err.status == 404`).
function assert_table.has_error(fn, expected, message)
  local ok, err = pcall(fn)
  if ok then
    fail("expected an error, but the function returned normally", message)
  end
  if type(expected) == "string" then
    local text = tostring(err)
    if not text:find(expected, 1, true) then
      fail(string.format("expected an error containing %s, got %s", describe_value(expected), describe_value(text)), message)
    end
  elseif type(expected) == "table" then
    local path, e, a = deep_diff(expected, err, "")
    if path then
      fail(string.format("error value differs at %s: expected %s, got %s", path == "" and "top" or path, describe_value(e), describe_value(a)), message)
    end
  end
  return err
end

--- `fn` raises an error whose text matches the Lua pattern `pattern`. Returns the error.
function assert_table.error_matches(fn, pattern, message)
  local ok, err = pcall(fn)
  if ok then
    fail("expected an error, but the function returned normally", message)
  end
  local text = tostring(err)
  if not text:find(pattern) then
    fail(string.format("expected an error matching %s, got %s", describe_value(pattern), describe_value(text)), message)
  end
  return err
end

--- The value is exactly `true`.
function assert_table.is_true(value, message)
  if value ~= true then
    fail("expected true, got " .. describe_value(value), message)
  end
end

--- The value is exactly `false`.
function assert_table.is_false(value, message)
  if value ~= false then
    fail("expected false, got " .. describe_value(value), message)
  end
end

--- The list holds a value deeply equal to `value`.
function assert_table.contains(value, list, message)
  if type(list) == "table" then
    for i = 1, #list do
      if deep_diff(value, list[i], "") == nil then
        return
      end
    end
  end
  fail(string.format("expected %s to contain %s", describe_value(list), describe_value(value)), message)
end

--- `fn` runs without raising. Returns what it returned.
function assert_table.has_no_error(fn, message)
  local results = table.pack(pcall(fn))
  if not results[1] then
    fail("expected no error, got " .. tostring(results[2]), message)
  end
  return table.unpack(results, 2, results.n)
end

local assert_metatable = {
  __call = function(_, value, message, ...)
    if not value then
      error(message or "assertion failed!", 2)
    end
    return value, message, ...
  end,
}
setmetatable(assert_table, assert_metatable)
testing.assert = assert_table

-- Suites -------------------------------------------------------------------------------------

---@class testing.Failure
---@field name string     "describe > it"
---@field message string

---@class testing.Results
---@field passed integer
---@field failed integer
---@field failures testing.Failure[]
---@field names string[]  every test's full name, in run order

---@class testing.Suite
---@field describe fun(name: string, body: fun())
---@field it fun(name: string, body: fun())
---@field before_each fun(fn: fun())
---@field after_each fun(fn: fun())
---@field assert table
---@field run fun(opts?: {print?: fun(line: string), verbose?: boolean}): testing.Results
---@field summary fun(results: testing.Results): string

--- The summary line: "N passed, N failed".
---@param results testing.Results
---@return string
function testing.summary(results)
  return string.format("%d passed, %d failed", results.passed, results.failed)
end

--- Creates an independent suite.
---@return testing.Suite
function testing.new()
  local root = { name = nil, before = {}, after = {}, children = {}, parent = nil }
  local current = root
  local suite = { assert = assert_table, summary = testing.summary }

  function suite.describe(name, body)
    assert(type(name) == "string" and type(body) == "function", "describe(name, function)")
    local block = { name = name, before = {}, after = {}, children = {}, parent = current }
    current.children[#current.children + 1] = { block = block }
    local saved = current
    current = block
    local ok, err = pcall(body)
    current = saved
    if not ok then
      -- An error while collecting is a failed test of its own.
      block.children[#block.children + 1] = {
        test = {
          name = "(describe body)",
          fn = function()
            error(err, 0)
          end,
        },
      }
    end
  end

  function suite.it(name, body)
    assert(type(name) == "string" and type(body) == "function", "it(name, function)")
    current.children[#current.children + 1] = { test = { name = name, fn = body } }
  end

  function suite.before_each(fn)
    current.before[#current.before + 1] = fn
  end

  function suite.after_each(fn)
    current.after[#current.after + 1] = fn
  end

  function suite.run(opts)
    opts = opts or {}
    local out = opts.print or print
    local results = { passed = 0, failed = 0, failures = {}, names = {} }
    local function run_block(block, chain, names)
      for _, child in ipairs(block.children) do
        if child.block then
          local sub = child.block
          local sub_chain = table.move(chain, 1, #chain, 1, {})
          sub_chain[#sub_chain + 1] = sub
          local sub_names = table.move(names, 1, #names, 1, {})
          sub_names[#sub_names + 1] = sub.name
          run_block(sub, sub_chain, sub_names)
        else
          local full = table.concat(names, " > ")
          full = (full == "" and "" or full .. " > ") .. child.test.name
          results.names[#results.names + 1] = full
          local ok, err = true, nil
          for _, b in ipairs(chain) do
            for _, fn in ipairs(b.before) do
              if ok then
                ok, err = pcall(fn)
              end
            end
          end
          if ok then
            ok, err = pcall(child.test.fn)
          end
          for i = #chain, 1, -1 do
            for _, fn in ipairs(chain[i].after) do
              local ok2, err2 = pcall(fn)
              if ok and not ok2 then
                ok, err = false, err2
              end
            end
          end
          if ok then
            results.passed = results.passed + 1
            if opts.verbose then
              out("ok   " .. full)
            end
          else
            results.failed = results.failed + 1
            local message = type(err) == "string" and err or describe_value(err)
            if type(err) == "table" and getmetatable(err) and getmetatable(err).__tostring then
              message = tostring(err)
            end
            results.failures[#results.failures + 1] = { name = full, message = message }
            out("FAIL " .. full .. ": " .. message)
          end
        end
      end
    end
    run_block(root, { root }, {})
    return results
  end

  return suite
end

-- Running runbooks from tests -----------------------------------------------------------------

local CaptureWriter = {}
CaptureWriter.__index = CaptureWriter

function CaptureWriter:write(...)
  if self.state ~= "open" then
    local what = self.state == "closed" and "close" or "abort; nothing was written"
    error("te.fs.open('" .. self.path .. "'): write after " .. what, 2)
  end
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    local t = type(v)
    if t ~= "string" and t ~= "number" then
      error("bad argument #" .. i .. " to 'write' (string expected, got " .. t .. ")", 2)
    end
    self.chunks[#self.chunks + 1] = tostring(v)
  end
  return self
end

function CaptureWriter:close()
  if self.state == "closed" then
    return
  end
  if self.state ~= "open" then
    error("te.fs.open('" .. self.path .. "'): close after abort; nothing was written", 2)
  end
  self.state = "closed"
  self.on_close(self.path, table.concat(self.chunks))
end

function CaptureWriter:abort()
  if self.state == "open" then
    self.state = "aborted"
    self.chunks = {}
  end
end

function CaptureWriter:__close(err)
  if err ~= nil then
    self:abort()
  elseif self.state == "open" then
    self:close()
  end
end

--- A stand-in for a `te.fs.open` writer that keeps its text in memory: `write(...)` appends
--- (chainable), `close()` calls `on_close(path, text)` once, `abort()` drops the text, and it
--- works as a to-be-closed variable. Used by `run_runbook`; handy for fakes of `te.fs`.
---@param path string
---@param on_close fun(path: string, text: string)
---@return table writer
function testing.capture_writer(path, on_close)
  return setmetatable({ path = path, chunks = {}, state = "open", on_close = on_close }, CaptureWriter)
end

---@class testing.RunbookResult
---@field ok boolean        whether the runbook finished without error (and no item failed)
---@field error any         the error value (the message of te.fail/te.usage_error) when it did not
---@field status integer    the exit status terun would give: 0, 1, or 2 for te.usage_error
---@field failed_items integer  the items reported with te.fail_count
---@field output string[]   lines printed (print's arguments joined by tabs)
---@field stdout string     the printed lines joined by newlines
---@field files table<string, string>  files written through te.fs.write or te.fs.open: path -> text
---@field writes string[]   the paths of te.fs.write calls and closed te.fs.open writers, in order
---@field header table?     the runbook's header table

---@class testing.RunbookOptions
---@field source? string        the runbook's text (default: `te.fs.read(path)`)
---@field write_files? boolean  also write files for real (default false: only captured)

--- Runs a runbook inside the current test with `te.params = params` and returns what it did.
--- The runbook sees the given `te` (the test's own, talking to the same simulator) except that
--- `te.params` holds `params` with the header's defaults added, `print` is captured (the
--- globals `print` and `te` are the runbook's while it runs, for library code), and
--- `te.fs.write` and `te.fs.open` writers are captured into `result.files` (a writer's text
--- when it is closed; nothing when it is aborted or left open; nothing reaches the disk
--- unless `write_files`). Params are passed as typed values (`test_id = 123`, lists as arrays): no
--- command-line conversion happens here. The runbook's errors are returned, not raised.
---@param te table
---@param path string   the runbook file, as te.fs.read finds it (e.g. "export_latency.lua")
---@param params? table
---@param opts? testing.RunbookOptions
---@return testing.RunbookResult
function testing.run_runbook(te, path, params, opts)
  opts = opts or {}
  local result = { ok = false, output = {}, files = {}, writes = {}, stdout = "" }
  local source = opts.source or te.fs.read(path)
  local run_params = {}
  for k, v in pairs(params or {}) do
    run_params[k] = v
  end
  local function capture_file(file, text)
    result.files[file] = text
    result.writes[#result.writes + 1] = file
    if opts.write_files then
      te.fs.write(file, text)
    end
  end
  local fs = setmetatable({
    write = capture_file,
    open = function(file)
      return testing.capture_writer(file, capture_file)
    end,
  }, { __index = te.fs })
  -- How a run ends on purpose, as terun's te does: te.fail (exit 1, the message alone),
  -- te.usage_error (exit 2), te.fail_count (failed items: exit 1 after the run's output).
  local failed_items = 0
  local function stop(message, status)
    error(setmetatable({ message = message, status = status }, {
      __tostring = function(e)
        return e.message
      end,
    }), 0)
  end
  local proxy = setmetatable({
    params = run_params,
    fs = fs,
    fail = function(message)
      stop(tostring(message), 1)
    end,
    usage_error = function(param, message)
      stop(string.format("parameter %s: %s", tostring(param), tostring(message)), 2)
    end,
    fail_count = function(n)
      if n ~= nil then
        assert(math.type(n) == "integer" and n >= 0, "te.fail_count: a count of 0 or more expected")
        failed_items = failed_items + n
      end
      return failed_items
    end,
  }, { __index = te })
  local function capture(...)
    local parts = table.pack(...)
    for i = 1, parts.n do
      parts[i] = tostring(parts[i])
    end
    result.output[#result.output + 1] = table.concat(parts, "\t")
  end
  local env = setmetatable({
    te = proxy,
    print = capture,
    runbook = function(header)
      result.header = header
      for name, spec in pairs(type(header) == "table" and header.params or {}) do
        if run_params[name] == nil and spec.default ~= nil then
          run_params[name] = spec.default
        end
        if run_params[name] == nil and spec.required then
          error("missing required parameter '" .. name .. "'", 2)
        end
      end
    end,
  }, { __index = _ENV })
  local chunk, load_error = load(source, "=" .. path, "t", env)
  if not chunk then
    result.error = load_error
    return result
  end
  -- Library code prints through the global print (csv's stdout sink, say) and reads the
  -- global te (time.now's clock, say): both are the runbook's for the run.
  local saved_print, saved_te = _ENV.print, rawget(_ENV, "te")
  _ENV.print, _ENV.te = capture, proxy
  local ok, err = pcall(chunk)
  _ENV.print, _ENV.te = saved_print, saved_te
  result.ok, result.error, result.status = ok, nil, ok and 0 or 1
  if not ok then
    if type(err) == "table" and err.status then
      result.error, result.status = err.message, err.status
    else
      result.error = err
    end
  elseif failed_items > 0 then
    result.ok, result.status = false, 1
    result.error = string.format("%d item%s failed (see the lines above); fix them and run again", failed_items,
      failed_items == 1 and "" or "s")
  end
  result.failed_items = failed_items
  result.stdout = table.concat(result.output, "\n")
  return result
end

local default_suite = testing.new()
testing.describe = default_suite.describe
testing.it = default_suite.it
testing.before_each = default_suite.before_each
testing.after_each = default_suite.after_each
testing.run = default_suite.run

return testing
