-- expect-exit: 3
-- expect-stderr: instruction limit exceeded (--max-instructions 5000000)
-- expect-not-stdout: found
-- within: 10
-- args: --max-instructions 5000000
-- A back reference compares a capture as long as the subject at each attempt.
local s = "a"
for _ = 1, 21 do s = s .. s end
print(string.find(s .. "b", "(a*)%1c"))
print("found")
