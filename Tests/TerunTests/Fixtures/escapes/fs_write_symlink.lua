-- expect-exit: 3
-- expect-stderr: sandbox: te.fs.write
-- expect-stderr: link/x
-- The test makes out-dir/link a symlink to a folder outside --out-dir.
te.fs.write("link/x", "escaped")
