-- expect-exit: 3
-- expect-stderr: memory limit exceeded (--max-memory 32MB)
-- expect-not-stdout: survived
-- within: 30
-- args: --max-memory 32MB
local text = "[" .. string.rep("{}", 3000000, ",") .. "]"
local value = te.json.decode(text)
print("survived", #value)
