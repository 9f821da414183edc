-- expect-exit: 3
-- expect-stderr: instruction limit exceeded (--max-instructions 5000000)
-- expect-not-stdout: finished
-- within: 10
-- args: --max-instructions 5000000 --max-memory 256MB
-- A plain find of a byte the subject lacks scans 16 MB in one call: the bytes scanned count.
local s = "a"
for _ = 1, 24 do s = s .. s end
for _ = 1, 1e9 do local _ = s:find("b", 1, true) end
print("finished")
