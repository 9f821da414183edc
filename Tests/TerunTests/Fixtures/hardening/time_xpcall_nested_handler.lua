-- expect-exit: 3
-- expect-stderr: timeout after 1s (--timeout)
-- expect-not-stdout: survived
-- within: 10
-- args: --timeout 1s
-- A handler that itself runs xpcall with a looping handler.
xpcall(function() while true do end end, function()
  xpcall(function() while true do end end, function() while true do end end)
  while true do end
end)
print("survived")
