-- expect-exit: 3
-- expect-stderr: sandbox: string.dump is not available
local dump = ("").dump
print(dump(function() end))
