-- expect-exit: 0
-- expect-stdout: handled: rb/time_xpcall_handler_still_works.lua:5: boom
-- within: 10
-- A handler still runs for ordinary errors.
local ok, message = xpcall(function() error("boom") end, function(e) return "handled: " .. e end)
print(message)
