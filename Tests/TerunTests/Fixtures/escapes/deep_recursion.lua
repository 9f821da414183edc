-- expect-exit: 1
-- expect-stderr: stack overflow
-- expect-stderr: deep_recursion.lua:6:
-- expect-stderr: stack traceback:
local function dive(n)
  return 1 + dive(n + 1)
end
dive(1)
