-- expect-exit: 3
-- expect-stderr: memory limit exceeded (--max-memory 32MB)
-- expect-not-stdout: survived
-- within: 30
-- args: --max-memory 32MB
local text = "[" .. string.rep("[1,2]", 2000000, ",") .. "]"
local ok, err = pcall(te.json.decode, text)
print("survived", ok, err)
