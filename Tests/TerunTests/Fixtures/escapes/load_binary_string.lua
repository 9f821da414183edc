-- expect-exit: 3
-- expect-stderr: sandbox: load: only text chunks are allowed
-- A precompiled chunk starts with "\27Lua"; load must refuse it whatever mode is asked for.
local chunk = "\27Lua\84\0\25\147\13\10\26\10\4\8\8\120\86\0\0\0\0\0\0\0\0\0\0\0\40\119\64"
local f, err = load(chunk, "x", "b")
if f == nil then error(err, 0) end
print("loaded a binary chunk")
