-- expect-exit: 3
-- expect-stderr: instruction limit exceeded (--max-instructions 5000000)
-- within: 10
-- args: --max-instructions 5000000
error(setmetatable({}, { __tostring = function() local n = 0 while true do n = n + 1 end end }))
