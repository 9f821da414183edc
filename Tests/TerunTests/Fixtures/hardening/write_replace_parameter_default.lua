-- expect-exit: 0
-- file: work/out/report.txt=old
-- expect-file: work/out/report.txt=new
-- within: 20
runbook {
  name = "write_replace_parameter_default",
  params = { out = { type = "string", default = "report.txt", help = "output file" } },
}
te.fs.write(te.params.out, "new")
