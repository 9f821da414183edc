-- expect-exit: 3
-- expect-stderr: is the API token file, which is never readable
-- file: work/secrets/token.txt=tok-file-secret-value
-- args: --token-file secrets/token.txt file=secrets/token.txt
-- expect-not-stdout: tok-file-secret-value
-- within: 20
runbook {
  name = "read_token_file_as_parameter",
  params = { file = { type = "path", help = "input" } },
}
print(te.fs.read(te.params.file))
