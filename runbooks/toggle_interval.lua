-- toggle_interval.lua: the guide's JavaScript job. Toggles a test's interval between two
-- values (600 and 300 seconds by default), or sets one value. Works for every test type: the
-- te module finds the test's type, and sends the whole test where the type's PUT replaces it.
--
--   terun toggle_interval test_id=123456
--   terun toggle_interval test_id=123456 a=3600 b=60
--   terun toggle_interval test_id=123456 interval=900 --dry-run

runbook {
  name = "toggle_interval",
  description = "Toggles a test's interval between two values (600 and 300 by default), or sets one.",
  params = {
    test_id = { type = "integer", required = true, help = "the test's testId" },
    a = { type = "integer", default = 600, help = "first interval, seconds" },
    b = { type = "integer", default = 300, help = "second interval, seconds" },
    interval = { type = "integer", help = "set this interval instead of toggling" },
  },
}

local ALLOWED = { 60, 120, 300, 600, 900, 1800, 3600 }

local function check_interval(name, value)
  for _, v in ipairs(ALLOWED) do
    if v == value then
      return
    end
  end
  te.usage_error(name, string.format("%s is not an interval the API accepts; use one of %s", tostring(value), table.concat(ALLOWED, ", ")))
end

local params = te.params
local test_id = tostring(params.test_id)
local a, b = params.a, params.b

local target_param
if params.interval then
  check_interval("interval", params.interval)
  target_param = params.interval
else
  check_interval("a", a)
  check_interval("b", b)
  if a == b then
    te.usage_error("b", "a and b are both " .. a .. ": nothing to toggle (use interval= to set one value)")
  end
end

local test = te.tests.get(test_id)
local current = test.interval
local target = target_param or (current == a and b or a)
local label = string.format('test %s "%s" (%s)', test_id, tostring(test.testName), tostring(test.type))

if current == target then
  print(string.format("%s: interval is already %d s; nothing to change", label, target))
  return
end

-- te.tests.update reads the test, merges the change and sends what the test's type needs.
te.tests.update(test_id, { interval = target })
if te.mode == "plan" then
  print(string.format("Would change %s: interval %s → %d s (dry run, nothing sent)", label, tostring(current), target))
elseif te.mode == "confirm" then
  print(string.format("Will change %s: interval %s → %d s once the plan is confirmed", label, tostring(current), target))
else
  print(string.format("Changed %s: interval %s → %d s", label, tostring(current), target))
end
