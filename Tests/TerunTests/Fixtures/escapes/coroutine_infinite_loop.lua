-- expect-exit: 3
-- expect-stderr: instruction limit exceeded (--max-instructions 1000000)
-- expect-not-stdout: survived
-- args: --max-instructions 1000000
local co = coroutine.create(function() while true do end end)
print(coroutine.resume(co))
print("survived")
