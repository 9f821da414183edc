-- expect-exit: 3
-- expect-stderr: memory limit exceeded (--max-memory 32MB)
-- expect-not-stdout: survived
-- within: 30
-- args: --max-memory 32MB
local s = string.rep("y", 1000000)
local t = {}
for i = 1, 60 do t[i] = { name = s, i = i } end
local ok, err = pcall(te.json.encode, t, { pretty = true })
print("survived", ok, err)
