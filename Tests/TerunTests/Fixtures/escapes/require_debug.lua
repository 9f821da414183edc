-- expect-exit: 3
-- expect-stderr: sandbox: require('debug'): module 'debug' is not available
local debug = require("debug")
print(debug.getregistry())
