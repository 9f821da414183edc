-- expect-exit: 3
-- within: 20
-- file: work/out/notes.txt=keep me
-- expect-stderr: sandbox: te.fs.write: 'notes.txt' already exists; a runbook may replace only a file named by a parameter
-- expect-file: work/out/notes.txt=keep me
te.fs.write("notes.txt", "replaced")
