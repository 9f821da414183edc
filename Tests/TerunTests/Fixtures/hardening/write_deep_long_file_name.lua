-- expect-exit: 3
-- within: 20
-- expect-stderr: has a name longer than 200 bytes
-- expect-no-file: work/out/x
-- A file name the file system refuses (its temporary file's name is longer still) is refused
-- before the folders above it are made.
te.fs.write("x/y/" .. string.rep("n", 300), "v")
