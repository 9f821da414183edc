-- json_shapes.lua: checks that te.json.decode gives the same values whatever the sizes of
-- sibling containers, since the decoder pre-sizes a table from the last one decoded at the
-- same depth (Sources/LuaHost/JSON/LuaJSONDecoder.swift, shape hints). Run by bench/run
-- before it measures: `terun run bench/checks/json_shapes.lua` prints "ok N" or fails.

runbook {
  name = "json_shapes",
  description = "Checks te.json.decode on siblings of different sizes, empty ones and deep nesting.",
}

local json = te.json
local checked = 0

local function check(text, expected, what)
  local value = json.decode(text)
  local again = json.encode(value)
  if again ~= expected then
    error(string.format("%s: decode then encode gave %s, expected %s", what, again, expected), 0)
  end
  checked = checked + 1
  return value
end

local function same(text, what)
  return check(text, text, what)
end

-- Objects at one depth: bigger, smaller, empty, bigger again than any before.
local objects = same('[{"a":1,"b":2,"c":3,"d":4,"e":5},{"x":1},{},{"p":1,"q":2,"r":3,"s":4,"t":5,"u":6,"v":7,"w":8,"y":9}]',
  "objects of different sizes")
assert(objects[2].x == 1 and objects[3].x == nil and objects[4].y == 9, "object members")

-- Arrays at one depth, lengths as Lua sees them.
local arrays = same("[[1,2,3,4,5,6,7,8],[1],[],[1,2,3,4,5,6,7,8,9,10,11,12],[true]]", "arrays of different lengths")
local lengths = {}
for i, a in ipairs(arrays) do
  lengths[i] = #a
end
if table.concat(lengths, ",") ~= "8,1,0,12,1" then
  error("array lengths " .. table.concat(lengths, ","), 0)
end

-- Null members are left out, and do not count towards the next object's size.
check('[{"a":null,"b":1},{"a":2,"b":null,"c":3},{"z":null}]', '[{"b":1},{"a":2,"c":3},{}]', "null members")

-- Deeper than the hinted depths, and containers alternating kinds at one depth.
same('[[[[[[[[[[{"k":[1,2]}]]]]]]]]],{"k":{"j":[{},[],{"i":[1]}]}}]', "deep nesting")
same('{"a":[1,2,3],"b":{"c":[],"d":{"e":1}},"f":[{"g":1,"h":[4,5]},{"g":2,"h":[]}]}', "mixed kinds")

-- A page of results like the API's, twice in a row (the second uses the first's hints).
local rows = {}
for i = 1, 50 do
  rows[i] = string.format('{"agent":{"agentId":"%d","agentName":"Agent %d"},"avgLatency":%d.5,"roundId":%d}', i, i, i, 1000 + i)
end
local page = '{"_links":{"next":{"href":"x"}},"results":[' .. table.concat(rows, ",") .. "]}"
for pass = 1, 2 do
  local decoded = same(page, "a page, pass " .. pass)
  assert(#decoded.results == 50 and decoded.results[50].agent.agentName == "Agent 50", "page contents")
  assert(math.type(decoded.results[7].roundId) == "integer", "roundId stays an integer")
end

print("ok " .. checked)
