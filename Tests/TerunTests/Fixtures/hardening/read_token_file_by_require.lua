-- expect-exit: 3
-- expect-stderr: token.lua' is the API token file, which is never readable
-- file: work/rb/token.lua=tok-file-secret-value
-- args: --token-file rb/token.lua
-- expect-not-stdout: tok-file-secret-value
-- within: 20
-- require would compile the file, and a syntax error would quote it.
print(pcall(require, "token"))
