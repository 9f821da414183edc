-- expect-exit: 3
-- expect-stderr: memory limit exceeded (--max-memory 32MB)
-- expect-not-stdout: survived
-- within: 30
-- args: --max-memory 32MB
-- One string with escapes: decoded through a scratch buffer, then pushed.
local text = '["' .. string.rep("\\n", 4000000) .. '","' .. string.rep("\\t", 4000000) .. '"]'
local value = te.json.decode(text)
print("survived", #value[1])
