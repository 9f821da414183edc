-- expect-exit: 0
-- expect-stdout: no host __gc reachable
-- Looks for host userdata whose metatable exposes __gc, and calls it twice if it finds one.
local found = 0
local function visit(value, seen)
  if seen[value] then return end
  seen[value] = true
  local mt = getmetatable(value)
  if type(mt) == "table" and rawget(mt, "__gc") then
    found = found + 1
    mt.__gc(value)
    mt.__gc(value)
  end
  if type(value) == "table" then
    for _, v in pairs(value) do visit(v, seen) end
  end
end
visit(te, {})
visit(_G, {})
collectgarbage("count")
print(found == 0 and "no host __gc reachable" or ("called __gc on " .. found .. " values"))
