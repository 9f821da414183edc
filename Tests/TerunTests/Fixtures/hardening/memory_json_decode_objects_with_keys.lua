-- expect-exit: 3
-- expect-stderr: memory limit exceeded (--max-memory 32MB)
-- expect-not-stdout: survived
-- within: 30
-- args: --max-memory 32MB
local text = "[" .. string.rep('{"a":1,"b":"x"}', 1000000, ",") .. "]"
for _ = 1, 3 do pcall(te.json.decode, text) end
print("survived")
