-- expect-exit: 3
-- expect-stderr: sandbox: setmetatable: __gc metamethods are not allowed in the sandbox
-- expect-not-stdout: survived
-- within: 10
-- args: --timeout 1s
setmetatable({}, { __gc = function() while true do end end })
print("survived")
