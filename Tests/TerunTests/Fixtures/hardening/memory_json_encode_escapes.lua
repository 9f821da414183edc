-- expect-exit: 3
-- expect-stderr: memory limit exceeded (--max-memory 32MB)
-- expect-not-stdout: survived
-- within: 30
-- args: --max-memory 32MB
-- Every byte escaped: the text is six times the string.
local s = string.rep("\1", 3000000)
local text = te.json.encode({ s, s })
print("survived", #text)
