-- expect-exit: 3
-- within: 20
-- expect-stderr: has a name longer than 200 bytes
-- expect-no-file: work/out/x
te.fs.open("x/" .. string.rep("d", 250) .. "/f.csv")
