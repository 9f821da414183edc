-- expect-exit: 3
-- expect-stderr: sandbox: te.fs.read: 'token.txt' is the API token file, which is never readable
-- file: work/rb/token.txt=tok-file-secret-value
-- args: --token-file rb/token.txt
-- expect-not-stdout: tok-file-secret-value
-- within: 20
print(te.fs.read("token.txt"))
