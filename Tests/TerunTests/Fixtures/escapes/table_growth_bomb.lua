-- expect-exit: 3
-- expect-stderr: memory limit exceeded (--max-memory 64MB)
-- expect-not-stdout: survived
-- args: --max-memory 64MB
local t = {}
local ok = pcall(function()
  for i = 1, 1e9 do t[i] = { i } end
end)
print("survived", ok)
