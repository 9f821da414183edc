-- expect-exit: 3
-- expect-stderr: timeout after 1s (--timeout)
-- expect-not-stdout: survived
-- within: 10
-- args: --timeout 1s
-- terun formats the uncaught error object with its __tostring.
error(setmetatable({}, { __tostring = function() while true do end end }))
