-- expect-exit: 3
-- expect-stderr: sandbox: setmetatable: __gc metamethods are not allowed in the sandbox
-- expect-not-stdout: survived
-- within: 10
-- args: --timeout 1s
local co = coroutine.create(function()
  local t = setmetatable({}, { __gc = function() while true do end end })
  coroutine.yield(t)
end)
print(coroutine.resume(co))
print("survived")
