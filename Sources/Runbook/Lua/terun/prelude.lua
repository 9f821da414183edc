-- Run before each runbook. It receives host functions and base-library functions as arguments
-- (captured as upvalues, so a runbook that replaces `tostring` or `string.format` cannot change
-- how the host prints) and returns `print`, the `te.log` table and the `runbook` header function.
local write, emit, enabled, has_header, tostring, select, concat, format, pcall, error, type = ...

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
  if seen then
    error("runbook { ... } may appear only once", 2)
  end
  seen = true
  if not has_header then
    error("the runbook { ... } header must be the first statement of the file", 2)
  end
  if type(header) ~= "table" then
    error("runbook expects a table", 2)
  end
  return header
end

return print, log, runbook
