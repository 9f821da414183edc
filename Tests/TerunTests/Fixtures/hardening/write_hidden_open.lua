-- expect-exit: 3
-- within: 20
-- expect-stderr: sandbox: te.fs.open: 'a/b/.config/x.conf' has a component starting with '.' ('.config')
-- expect-no-file: work/out/a
local w = te.fs.open("a/b/.config/x.conf")
w:write("x")
w:close()
