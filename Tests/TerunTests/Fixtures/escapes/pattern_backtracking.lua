-- expect-exit: 3
-- expect-stderr: timeout after 2s (--timeout)
-- expect-not-stdout: survived
-- args: --timeout 2
print(pcall(string.find, ("a"):rep(1e5), ".-.-.-b"))
print("survived")
