-- expect-exit: 3
-- within: 20
-- expect-stderr: has a component starting with '.' ('.vimrc')
-- expect-no-file: work/out/.vimrc
te.fs.write("./.vimrc", "evil\n")
