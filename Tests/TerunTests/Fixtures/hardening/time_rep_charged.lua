-- expect-exit: 3
-- expect-stderr: instruction limit exceeded (--max-instructions 100000)
-- expect-not-stdout: survived
-- within: 10
-- args: --max-instructions 100000
-- The repetition's work counts against the instruction budget.
local s = string.rep("ab", 10000000, "")
print("survived", #s)
