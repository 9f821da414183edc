-- expect-exit: 3
-- within: 20
-- expect-stderr: is longer than 1024 bytes
te.fs.write(string.rep("./", 1000) .. "x", "deep")
