-- expect-exit: 3
-- expect-stderr: timeout after 1s (--timeout)
-- expect-not-stdout: survived
-- within: 10
-- args: --timeout 1s
-- The body is stopped by the timeout from the count hook; Lua would then run the handler with
-- hooks off.
print("before")
xpcall(function() while true do end end, function() while true do end end)
print("survived")
