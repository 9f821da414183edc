-- expect-exit: 3
-- expect-stderr: sandbox: te.fs.read: '/etc/passwd' is outside the runbook's folder and not a path parameter
-- expect-not-stdout: root:
-- within: 20
runbook {
  name = "read_default_outside",
  params = { file = { type = "path", default = "/etc/passwd", help = "input" } },
}
print(te.fs.read(te.params.file))
