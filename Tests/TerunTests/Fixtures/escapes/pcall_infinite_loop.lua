-- expect-exit: 3
-- expect-stderr: instruction limit exceeded (--max-instructions 1000000)
-- expect-not-stdout: survived
-- args: --max-instructions 1000000
for _ = 1, 3 do
  pcall(function() while true do end end)
end
print("survived")
