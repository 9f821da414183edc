-- expect-exit: 3
-- expect-stderr: memory limit exceeded (--max-memory 64MB)
-- expect-not-stdout: survived
-- args: --max-memory 64MB
local ok = pcall(function() return ("x"):rep(2^30) end)
print("survived", ok)
