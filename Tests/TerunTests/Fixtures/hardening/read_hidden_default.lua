-- expect-exit: 3
-- file: work/rb/.env=TE_TOKEN=env-secret-hidden
-- expect-stderr: has a component starting with '.' ('.env')
-- expect-not-stdout: env-secret-hidden
-- within: 20
-- A default naming a hidden file beside the runbook is not a grant.
runbook {
  name = "read_hidden_default",
  params = { file = { type = "path", default = ".env", help = "input" } },
}
print(te.fs.read(te.params.file))
