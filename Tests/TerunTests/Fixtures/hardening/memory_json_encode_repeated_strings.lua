-- expect-exit: 3
-- expect-stderr: memory limit exceeded (--max-memory 32MB)
-- expect-not-stdout: survived
-- within: 30
-- args: --max-memory 32MB
local s = string.rep("x", 4000000)
local t = {}
for i = 1, 25 do t[i] = s end
local text = te.json.encode(t)
print("survived", #text)
