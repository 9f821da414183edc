-- expect-exit: 3
-- expect-stderr: timeout after 1s (--timeout)
-- expect-not-stdout: found
-- within: 4
-- args: --timeout 1s
-- A pattern without special characters is searched as plain text: the same O(n * m) loop.
local s, p = "a", "a"
for _ = 1, 23 do s = s .. s end
for _ = 1, 20 do p = p .. p end
print(s:find(p .. "b"))
print("found")
