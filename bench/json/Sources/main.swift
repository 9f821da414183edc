// json-bench: measures LuaJSON decoding and encoding on JSON files.
//
// Usage: json-bench [--runs N] [--gc generational|incremental] [--decode-only] FILE...
// For each file prints one line per measurement (decode, decode with `fields`, encode):
// `terun <what> <file> <MB/s>`, the median of N runs (default 7). Each run repeats the operation
// until at least 64 MB went through.

import CLua
import Foundation
import LuaHost

/// CPU time of this process, like Lua's os.clock() in the lua-cjson script: the machine is shared,
/// so wall time would measure the neighbours too.
func now() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  return sorted[sorted.count / 2]
}

/// Runs `body` `runs` times, each time `repeats` times over `bytes` bytes; returns median MB/s.
func measure(runs: Int, bytes: Int, _ body: () throws -> Void) rethrows -> Double {
  let repeats = max(1, 64_000_000 / max(bytes, 1))
  var rates: [Double] = []
  for _ in 0..<runs {
    let start = now()
    for _ in 0..<repeats { try body() }
    let elapsed = now() - start
    rates.append(Double(bytes * repeats) / elapsed / 1e6)
  }
  return median(rates)
}

var runs = 7
var decodeOnly = false
var collector = "generational"
var files: [String] = []
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
  if argument == "--runs", let value = arguments.popFirst(), let count = Int(value) {
    runs = count
  } else if argument == "--gc", let value = arguments.popFirst() {
    collector = value
  } else if argument == "--decode-only" {
    decodeOnly = true
  } else {
    files.append(argument)
  }
}
if files.isEmpty {
  FileHandle.standardError.write(
    "usage: json-bench [--runs N] [--gc generational|incremental] [--decode-only] FILE...\n".data(
      using: .utf8)!)
  exit(2)
}

for file in files {
  guard let data = FileManager.default.contents(atPath: file) else {
    FileHandle.standardError.write("json-bench: cannot read \(file)\n".data(using: .utf8)!)
    exit(1)
  }
  let name = (file as NSString).lastPathComponent
  let L = luaL_newstate()!
  defer { lua_close(L) }
  // The lua5.4 interpreter runs in generational mode; `--gc incremental` selects Lua's default.
  luaL_openlibs(L)
  guard luaL_loadstring(L, "collectgarbage(\"\(collector)\")") == LUA_OK,
    lua_pcallk(L, 0, 0, 0, 0, nil) == LUA_OK
  else {
    FileHandle.standardError.write("json-bench: bad --gc \(collector)\n".data(using: .utf8)!)
    exit(2)
  }
  let bytes = [UInt8](data)

  let decodeRate = try bytes.withUnsafeBytes { buffer in
    try measure(runs: runs, bytes: buffer.count) {
      try LuaJSON.decode(buffer, into: L)
      lua_settop(L, 0)
    }
  }
  print("terun decode \(name) \(String(format: "%.1f", decodeRate))")

  // Decoding with `fields` (JSONProjection): the three members an export reads from each result,
  // as tables and as one flat array of values; the rest is skipped byte by byte.
  for (label, shape) in [("decode-fields", JSONProjection.Shape.objects), ("decode-values", .values)] {
    let projection = try JSONProjection(
      collectionKey: "results", fields: ["roundId", "agent.agentId", "avgLatency"], shape: shape)
    let options = LuaJSON.DecodeOptions(projection: projection)
    let rate = try bytes.withUnsafeBytes { buffer in
      try measure(runs: runs, bytes: buffer.count) {
        try LuaJSON.decode(buffer, into: L, options: options)
        lua_settop(L, 0)
      }
    }
    print("terun \(label) \(name) \(String(format: "%.1f", rate))")
  }
  if decodeOnly { continue }

  try bytes.withUnsafeBytes { buffer in try LuaJSON.decode(buffer, into: L) }
  for (label, options) in [
    ("encode-sorted", LuaJSON.EncodeOptions()),
    ("encode-unsorted", LuaJSON.EncodeOptions(sortsKeys: false)),
    ("encode-pretty", LuaJSON.EncodeOptions(pretty: true)),
  ] {
    let size = try LuaJSON.encode(L, at: 1, options: options).count
    let rate = try measure(runs: runs, bytes: size) {
      _ = try LuaJSON.encode(L, at: 1, options: options)
    }
    print("terun \(label) \(name) \(String(format: "%.1f", rate))")
  }
  lua_settop(L, 0)
}
