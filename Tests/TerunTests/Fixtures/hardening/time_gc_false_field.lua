-- expect-exit: 3
-- expect-stderr: __gc metamethods are not allowed
-- within: 10
-- Any __gc field marks an object for finalization: refused whatever its value.
setmetatable({}, { __gc = false })
