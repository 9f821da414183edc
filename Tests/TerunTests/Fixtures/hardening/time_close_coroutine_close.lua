-- expect-exit: 3
-- expect-stderr: timeout after 1s (--timeout)
-- expect-not-stdout: survived
-- within: 10
-- args: --timeout 1s
local co = coroutine.create(function()
  local x <close> = setmetatable({}, { __close = function() while true do end end })
  while true do end
end)
print(coroutine.resume(co))
print(coroutine.close(co))
print("survived")
