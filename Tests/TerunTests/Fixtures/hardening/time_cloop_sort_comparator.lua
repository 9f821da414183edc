-- expect-exit: 3
-- expect-stderr: timeout after 1s (--timeout)
-- expect-not-stdout: sorted
-- within: 4
-- args: --timeout 1s
-- A C comparator (math.ult) on a C proxy: only the calls are there to charge.
local p = setmetatable({}, { __len = function() return 2 ^ 31 - 2 end, __index = rawlen, __newindex = rawequal })
table.sort(p, math.ult)
print("sorted")
