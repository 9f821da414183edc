-- expect-exit: 3
-- expect-stderr: timeout after 1s (--timeout)
-- expect-not-stdout: survived
-- within: 10
-- args: --timeout 1s
table.move({}, 1, math.maxinteger - 1, 1, {})
print("survived")
