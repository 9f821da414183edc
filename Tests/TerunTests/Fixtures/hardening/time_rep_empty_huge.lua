-- expect-exit: 0
-- expect-stdout: 0 0 0 0
-- within: 10
-- args: --timeout 1s
-- An empty repetition is empty at once, however many times.
print(#string.rep("", 2^62) .. " " .. #(""):rep(2^53, "") .. " " .. #string.rep("", math.maxinteger) .. " " .. #string.rep("", -5))
