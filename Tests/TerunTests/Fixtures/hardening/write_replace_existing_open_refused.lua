-- expect-exit: 3
-- within: 20
-- file: work/out/sub/data.csv=old
-- expect-stderr: sandbox: te.fs.open: 'sub/data.csv' already exists
-- expect-file: work/out/sub/data.csv=old
local w = te.fs.open("sub/data.csv")
w:write("new")
w:close()
