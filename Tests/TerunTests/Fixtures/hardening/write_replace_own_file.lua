-- expect-exit: 0
-- expect-file: work/out/mine.txt=second
-- within: 20
-- A run may replace a file it created itself.
te.fs.write("mine.txt", "first")
te.fs.write("mine.txt", "second")
