-- expect-exit: 0
-- expect-stdout: done
-- within: 20
-- args: --timeout 5s
-- A __gc added after setmetatable does not mark the object: it never runs.
local mt = {}
local keep = setmetatable({}, mt)
mt.__gc = function() while true do end end
for i = 1, 200000 do local _ = { i } end
keep = nil
for i = 1, 200000 do local _ = { i } end
print("done")
