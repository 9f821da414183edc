-- expect-exit: 1
-- expect-stderr: resulting string too large
-- within: 10
-- args: --timeout 1s
print(#string.rep("x", 2^62, ","))
