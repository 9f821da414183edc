-- expect-exit: 3
-- expect-stderr: timeout after 1s (--timeout)
-- expect-stdout: before
-- expect-not-stdout: inserted
-- within: 4
-- args: --timeout 1s
-- table.insert at position 1 shifts every element up, in C; the output so far is flushed.
print("before")
local p = setmetatable({}, { __len = function() return math.maxinteger - 2 end, __index = rawlen, __newindex = rawequal })
table.insert(p, 1, 0)
print("inserted")
