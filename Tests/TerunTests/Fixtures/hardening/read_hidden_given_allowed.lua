-- expect-exit: 0
-- file: work/rb/.env=named-by-the-user
-- expect-stdout: named-by-the-user
-- args: file=rb/.env
-- within: 20
-- A hidden file the user names on the command line is a grant like any other.
runbook {
  name = "read_hidden_given_allowed",
  params = { file = { type = "path", help = "input" } },
}
print(te.fs.read(te.params.file))
