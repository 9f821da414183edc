-- expect-exit: 3
-- expect-stderr: memory limit exceeded (--max-memory 32MB)
-- expect-not-stdout: survived
-- expect-stdout: built
-- within: 30
-- args: --max-memory 32MB
-- One object with a million members: the decoder checks the cap between members too.
local i = 0
local body = ("x"):rep(600000):gsub("x", function()
  i = i + 1
  return '"k' .. i .. '":' .. i .. ","
end)
local text = "{" .. body .. '"end":0}'
body = nil
print("built", #text)
local value = te.json.decode(text)
print("survived")
