-- expect-exit: 3
-- expect-stderr: instruction limit exceeded (--max-instructions 1000000)
-- expect-not-stdout: sorted
-- within: 10
-- args: --max-instructions 1000000
-- table.sort on a proxy whose __index and __newindex are C functions runs no Lua instruction:
-- each call it makes is charged instead.
local p = setmetatable({}, { __len = function() return 2 ^ 31 - 2 end, __index = rawlen, __newindex = rawequal })
table.sort(p)
print("sorted")
