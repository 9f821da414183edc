-- expect-exit: 3
-- expect-stderr: instruction limit exceeded (--max-instructions 1000000)
-- expect-not-stdout: removed
-- within: 10
-- args: --max-instructions 1000000
-- table.remove shifts every element of a proxy that claims to be huge, in C.
local p = setmetatable({}, { __len = function() return math.maxinteger - 1 end, __index = rawlen, __newindex = rawequal })
table.remove(p, 1)
print("removed")
