-- expect-exit: 3
-- expect-stderr: sandbox: te.fs.read: '../../outside/secret.txt' is outside the runbook's folder
-- file: outside/secret.txt=top secret
-- expect-not-stdout: top secret
-- within: 20
runbook {
  name = "read_default_relative_escape",
  params = { file = { type = "path", default = "../../outside/secret.txt", help = "input" } },
}
print(te.fs.read(te.params.file))
