-- expect-exit: 3
-- expect-stderr: timeout after 1s (--timeout)
-- expect-not-stdout: survived
-- within: 10
-- args: --timeout 1s
-- The coroutine is stopped from the count hook (its hooks stay off); wrap must not close it.
local f = coroutine.wrap(function()
  local x <close> = setmetatable({}, { __close = function() while true do end end })
  while true do end
end)
f()
print("survived")
