-- expect-exit: 0
-- file: work/rb/data.txt=hello from the runbook folder
-- expect-stdout: hello from the runbook folder
-- within: 20
runbook {
  name = "read_default_inside_allowed",
  params = { file = { type = "path", default = "data.txt", help = "input" } },
}
print(te.fs.read(te.params.file))
