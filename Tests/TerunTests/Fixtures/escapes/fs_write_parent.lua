-- expect-exit: 3
-- expect-stderr: sandbox: te.fs.write
-- expect-stderr: ../x
te.fs.write("../x", "escaped")
