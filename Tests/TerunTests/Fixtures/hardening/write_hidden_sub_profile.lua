-- expect-exit: 3
-- within: 20
-- expect-stderr: sandbox: te.fs.write: 'sub/.profile' has a component starting with '.' ('.profile')
-- expect-no-file: work/out/sub
te.fs.write("sub/.profile", "evil\n")
