-- expect-exit: 3
-- expect-stderr: instruction limit exceeded (--max-instructions 1000000)
-- expect-not-stdout: survived
-- within: 10
-- args: --max-instructions 1000000
local t = {}
table.move(t, 1, 2^40, 3)
print("survived")
