-- expect-exit: 3
-- expect-stderr: sandbox: 'io' is not available
local f = io.open("/etc/passwd")
print(f:read("a"))
