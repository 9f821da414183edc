-- Decodes and encodes FILE with Debian's lua-cjson; prints the median MB/s of RUNS runs.
-- Usage: lua5.4 cjson_bench.lua RUNS GC FILE... (GC: generational or incremental)
local cjson = require("cjson")

local function median(values)
  table.sort(values)
  return values[#values // 2 + 1]
end

local function measure(runs, bytes, body)
  local repeats = math.max(1, 64000000 // math.max(bytes, 1))
  local rates = {}
  for _ = 1, runs do
    local start = os.clock()
    for _ = 1, repeats do body() end
    local elapsed = os.clock() - start
    rates[#rates + 1] = bytes * repeats / elapsed / 1e6
  end
  return median(rates)
end

local runs = tonumber(arg[1])
collectgarbage(arg[2])
for i = 3, #arg do
  local file = assert(io.open(arg[i], "rb"))
  local text = file:read("a")
  file:close()
  local name = arg[i]:match("[^/]+$")
  local decode_rate = measure(runs, #text, function() local _ = cjson.decode(text) end)
  print(string.format("lua-cjson decode %s %.1f", name, decode_rate))
  local value = cjson.decode(text)
  local size = #cjson.encode(value)
  local encode_rate = measure(runs, size, function() local _ = cjson.encode(value) end)
  print(string.format("lua-cjson encode-unsorted %s %.1f", name, encode_rate))
end
