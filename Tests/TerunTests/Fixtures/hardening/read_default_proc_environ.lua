-- expect-exit: 3
-- expect-stderr: sandbox: te.fs.read: '/proc/self/environ'
-- expect-not-stdout: TE_TOKEN
-- within: 20
runbook {
  name = "read_default_proc_environ",
  params = { file = { type = "path", default = "/proc/self/environ", help = "input" } },
}
print(te.fs.read(te.params.file))
