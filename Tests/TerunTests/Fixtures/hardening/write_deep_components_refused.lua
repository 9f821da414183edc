-- expect-exit: 3
-- within: 20
-- expect-stderr: has more than 64 components
-- expect-no-file: work/out/d
te.fs.write(string.rep("d/", 100) .. "x", "deep")
