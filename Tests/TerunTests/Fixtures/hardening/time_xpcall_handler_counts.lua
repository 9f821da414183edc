-- expect-exit: 3
-- expect-stderr: timeout after 1s (--timeout)
-- expect-not-stdout: survived
-- within: 10
-- args: --timeout 1s
-- expect-stdout: before
local n = 0
print("before")
xpcall(function() while true do n = n + 1 end end, function(e)
  local x = 0
  while true do x = x + 1 end
end)
print("survived")
