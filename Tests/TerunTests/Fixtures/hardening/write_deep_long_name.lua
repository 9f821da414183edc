-- expect-exit: 3
-- within: 20
-- expect-stderr: is longer than 1024 bytes
-- expect-no-file: work/out/b
te.fs.write("b/" .. string.rep("n", 2000), "x")
