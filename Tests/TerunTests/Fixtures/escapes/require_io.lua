-- expect-exit: 3
-- expect-stderr: sandbox: require('io'): module 'io' is not available
local io = require("io")
print(io.open("/etc/passwd"):read("a"))
