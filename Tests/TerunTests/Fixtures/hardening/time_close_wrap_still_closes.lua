-- expect-exit: 0
-- expect-stdout: closed
-- expect-stdout: caught: rb/time_close_wrap_still_closes.lua:8: boom
-- within: 10
-- On an ordinary error, coroutine.wrap still closes the coroutine's variables.
local f = coroutine.wrap(function()
  local x <close> = setmetatable({}, { __close = function() print("closed") end })
  error("boom")
end)
local ok, err = pcall(f)
print("caught: " .. tostring(err))
