-- Run before each runbook. It receives host functions and base-library functions as arguments
-- (captured as upvalues, so a runbook that replaces `tostring` or `string.format` cannot change
-- how the host prints) and returns `print`, the `te.log` table and the `runbook` header function.
-- `header_rule` says where `runbook { ... }` is accepted: "first" (once, as the first statement
-- of a file whose header the host read), "none" (nowhere: the file has no header), or "any" (any
-- number of times: a REPL session, where typed input and `:load`ed runbooks share one state).
local write, emit, enabled, header_rule, tostring, select, concat, format, pcall, error, type = ...

if header_rule ~= "first" and header_rule ~= "none" and header_rule ~= "any" then
  error("terun: unknown header rule " .. tostring(header_rule))
end

local function print(...)
  local n = select("#", ...)
  local parts = {}
  for i = 1, n do
    parts[i] = tostring((select(i, ...)))
  end
  write(concat(parts, "\t") .. "\n")
end

local function logger(level)
  local on = enabled[level]
  return function(fmt, ...)
    if not on then
      return
    end
    if type(fmt) ~= "string" then
      error("bad argument #1 to 'te.log." .. level .. "' (string expected, got " .. type(fmt) .. ")", 2)
    end
    local ok, message = pcall(format, fmt, ...)
    if not ok then
      error("te.log." .. level .. ": " .. message, 2)
    end
    emit(level, message)
  end
end
local log = { debug = logger("debug"), info = logger("info"), warn = logger("warn"), error = logger("error") }

local seen = false
local function runbook(header)
  if header_rule ~= "any" then
    if seen then
      error("runbook { ... } may appear only once", 2)
    end
    seen = true
    if header_rule == "none" then
      error("the runbook { ... } header must be the first statement of the file", 2)
    end
  end
  if type(header) ~= "table" then
    error("runbook expects a table", 2)
  end
  return header
end

return print, log, runbook
