-- expect-exit: 3
-- expect-stderr: sandbox: the string metatable is read-only
-- expect-not-stdout: hijacked
-- getmetatable("") gives a read-only view: swapping string methods under the host stops the run.
local mt = getmetatable("")
pcall(function() mt.__index = { upper = function() return "hijacked" end } end)
print(("abc"):upper())
