-- expect-exit: 3
-- expect-stderr: sandbox: te.fs.read: '/dev/zero' is under /dev, which is never readable
-- args: file=/dev/zero
-- within: 20
runbook {
  name = "read_given_dev",
  params = { file = { type = "path", help = "input" } },
}
print(#te.fs.read(te.params.file))
