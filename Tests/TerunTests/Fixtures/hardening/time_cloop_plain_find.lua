-- expect-exit: 3
-- expect-stderr: instruction limit exceeded (--max-instructions 5000000)
-- expect-stdout: 8388608	1048577
-- expect-not-stdout: found
-- within: 10
-- args: --max-instructions 5000000
-- A plain find compares the whole needle at every candidate position: O(n * m) in C, charged
-- by the bytes compared (built by doubling, which costs few instructions).
local s, p = "a", "a"
for _ = 1, 23 do s = s .. s end
for _ = 1, 20 do p = p .. p end
p = p .. "b"
print(#s, #p)
print(string.find(s, p, 1, true))
print("found")
