-- expect-exit: 3
-- within: 20
-- expect-stderr: sandbox: te.fs.write:
-- expect-no-file: work/out/a
te.fs.write(string.rep("a/", 1500) .. "x.txt", "deep")
