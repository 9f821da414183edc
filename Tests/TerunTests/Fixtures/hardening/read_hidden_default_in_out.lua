-- expect-exit: 3
-- file: work/out/.git/config=git-secret-hidden
-- expect-stderr: sandbox: te.fs.read:
-- expect-not-stdout: git-secret-hidden
-- within: 20
-- Nor a default naming a hidden file in the output folder (the current folder by default).
runbook {
  name = "read_hidden_default_in_out",
  params = { file = { type = "path", default = "/proc/self/cwd/out/.git/config", help = "input" } },
}
print(te.fs.read(te.params.file))
