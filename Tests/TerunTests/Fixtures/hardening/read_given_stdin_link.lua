-- expect-exit: 3
-- expect-stderr: which is never readable
-- args: file=/dev/stdin
-- within: 20
-- /dev/stdin resolves through /proc/self/fd/0.
runbook {
  name = "read_given_stdin_link",
  params = { file = { type = "path", help = "input" } },
}
print(te.fs.read(te.params.file))
