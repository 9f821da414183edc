-- expect-exit: 3
-- expect-stderr: timeout after 1s (--timeout)
-- expect-not-stdout: survived
-- within: 10
-- args: --timeout 1s
local co = coroutine.wrap(function()
  xpcall(function() while true do end end, function() while true do end end)
end)
co()
print("survived")
