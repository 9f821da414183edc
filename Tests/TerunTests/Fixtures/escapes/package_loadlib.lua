-- expect-exit: 3
-- expect-stderr: sandbox: 'package' is not available
local open = package.loadlib("/lib/x86_64-linux-gnu/libc.so.6", "system")
open("touch ../escaped")
