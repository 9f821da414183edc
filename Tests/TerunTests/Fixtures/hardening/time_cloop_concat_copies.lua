-- expect-exit: 3
-- expect-stderr: instruction limit exceeded (--max-instructions 5000000)
-- expect-stdout: 16777216
-- expect-not-stdout: finished
-- within: 10
-- args: --max-instructions 5000000 --max-memory 256MB
-- One concatenation instruction copies 16 MB: what it allocates is charged, so the budget
-- bounds the time (it was about 5 ms per instruction, hours for the budget).
local s = "a"
for _ = 1, 24 do s = s .. s end
print(#s)
for _ = 1, 1e9 do local _ = s .. "x" end
print("finished")
