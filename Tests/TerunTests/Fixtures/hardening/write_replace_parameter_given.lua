-- expect-exit: 0
-- args: out=sub/given.txt
-- file: work/out/sub/given.txt=old
-- expect-file: work/out/sub/given.txt=new
-- within: 20
runbook {
  name = "write_replace_parameter_given",
  params = { out = { type = "string", help = "output file" } },
}
te.fs.write(te.params.out, "new")
