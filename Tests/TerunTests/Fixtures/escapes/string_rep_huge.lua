-- expect-exit: 1
-- expect-stderr: string_rep_huge.lua:7: resulting string too large
-- expect-not-stdout: survived
-- args: --max-memory 64MB
-- Lua refuses a string longer than INT_MAX before allocating: a plain runbook error. The next
-- case, under the limit for Lua but over --max-memory, is stopped by the capped allocator.
print(("x"):rep(2^31))
print("survived")
