-- expect-exit: 3
-- expect-stderr: timeout after 1s (--timeout)
-- expect-not-stdout: survived
-- within: 10
-- args: --timeout 1s
coroutine.wrap(function()
  pcall(function()
    local x <close> = setmetatable({}, { __close = function() while true do end end })
    while true do end
  end)
  while true do end
end)()
print("survived")
