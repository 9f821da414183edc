-- expect-exit: 3
-- expect-stderr: sandbox: 'debug' is not available
local registry = debug.getregistry()
print(registry)
