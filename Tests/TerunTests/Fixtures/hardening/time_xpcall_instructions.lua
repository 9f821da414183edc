-- expect-exit: 3
-- expect-stderr: instruction limit exceeded (--max-instructions 1000000)
-- expect-not-stdout: survived
-- within: 10
-- args: --max-instructions 1000000
xpcall(function() while true do end end, function() while true do end end)
print("survived")
