-- expect-exit: 3
-- expect-stderr: sandbox: te.fs.read
-- expect-stderr: /etc/passwd
-- expect-not-stdout: root:
print(te.fs.read("/etc/passwd"))
