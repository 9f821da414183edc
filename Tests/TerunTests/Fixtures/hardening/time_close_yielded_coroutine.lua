-- expect-exit: 3
-- expect-stderr: timeout after 1s (--timeout)
-- expect-not-stdout: survived
-- within: 10
-- args: --timeout 1s
local co = coroutine.create(function()
  local ok = pcall(function()
    local x <close> = setmetatable({}, { __close = function() while true do end end })
    coroutine.yield()
    while true do end
  end)
  while true do end
end)
coroutine.resume(co)
coroutine.resume(co)
while true do end
