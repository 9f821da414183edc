-- expect-exit: 3
-- expect-stderr: timeout after 1s (--timeout)
-- expect-not-stdout: survived
-- within: 10
-- args: --timeout 1s
xpcall(function() while true do end end, function(e)
  local co = coroutine.wrap(function() while true do end end)
  co()
end)
print("survived")
