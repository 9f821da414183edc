-- expect-exit: 3
-- expect-stderr: instruction limit exceeded (--max-instructions 5000000)
-- expect-not-stdout: finished
-- within: 10
-- args: --max-instructions 5000000 --max-memory 256MB
-- string.upper of 16 MB in a loop: one call, one copy of 16 MB each time.
local s = "a"
for _ = 1, 24 do s = s .. s end
for _ = 1, 1e9 do local _ = s:upper() end
print("finished")
