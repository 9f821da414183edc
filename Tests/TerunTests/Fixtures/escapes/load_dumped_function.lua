-- expect-exit: 3
-- expect-stderr: sandbox: string.dump is not available
local function f() return 1 end
local chunk = string.dump(f)
print(load(chunk, nil, "b")())
