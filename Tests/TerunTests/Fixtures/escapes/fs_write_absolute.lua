-- expect-exit: 3
-- expect-stderr: sandbox: te.fs.write
-- expect-stderr: absolute
te.fs.write("/tmp/terun-escape-absolute.txt", "escaped")
