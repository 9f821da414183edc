-- expect-exit: 3
-- expect-stderr: sandbox: te.fs.read: '/proc/self/environ' is under /proc, which is never readable
-- args: file=/proc/self/environ
-- within: 20
runbook {
  name = "read_given_proc",
  params = { file = { type = "path", help = "input" } },
}
print(te.fs.read(te.params.file))
