-- check.lua: tiny assertions for the te module's runbook tests. Each check that passes is
-- counted; the first that fails raises an error naming the check and what was seen.
local check = {}

local passed = 0

local function show(value)
  if type(value) == "string" then
    return string.format("%q", value)
  end
  return tostring(value)
end

--- Fails unless `actual == expected`.
function check.eq(actual, expected, what)
  if actual ~= expected then
    error(string.format("%s: expected %s, got %s", what, show(expected), show(actual)), 2)
  end
  passed = passed + 1
end

--- Fails unless `value` is truthy.
function check.is_true(value, what)
  if not value then
    error(string.format("%s: expected a true value, got %s", what, show(value)), 2)
  end
  passed = passed + 1
end

--- Fails unless the string `text` contains the plain string `part`.
function check.contains(text, part, what)
  if type(text) ~= "string" or not text:find(part, 1, true) then
    error(string.format("%s: expected %s to contain %s", what, show(text), show(part)), 2)
  end
  passed = passed + 1
end

--- Calls `fn`, fails unless it raises; returns the error value.
function check.fails(fn, what)
  local ok, err = pcall(fn)
  if ok then
    error(string.format("%s: expected an error, but the call succeeded", what), 2)
  end
  passed = passed + 1
  return err
end

--- Prints the summary line the Swift test looks for.
function check.done(name)
  print(string.format("ok %s (%d checks)", name, passed))
end

return check
