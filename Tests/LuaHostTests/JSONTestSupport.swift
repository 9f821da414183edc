import CLua
import Foundation
import Testing

@testable import LuaHost

/// A fresh lua_State with the standard libraries and `json` installed as a global table.
final class JSONTestState {
  let L: OpaquePointer

  init() throws {
    L = luaL_newstate()!
    luaL_openlibs(L)
    lua_rawgeti(L, luaRegistryIndex, 2)  // globals
    try LuaJSON.install(into: L, tableIndex: -1)
    lua_settop(L, 0)
  }

  deinit { lua_close(L) }

  /// Decodes `text` and leaves the value on top of the stack.
  func decode(_ text: String, options: LuaJSON.DecodeOptions = LuaJSON.DecodeOptions()) throws {
    try LuaJSON.decode(Array(text.utf8), into: L, options: options)
  }

  /// Decodes `text` and encodes the result again.
  func roundTrip(_ text: String, pretty: Bool = false) throws -> String {
    try decode(text)
    defer { lua_settop(L, -2) }
    return try encodeTop(pretty: pretty)
  }

  /// Encodes the value on top of the stack.
  func encodeTop(pretty: Bool = false, sortsKeys: Bool = true) throws -> String {
    let bytes = try LuaJSON.encode(
      L, at: -1, options: LuaJSON.EncodeOptions(pretty: pretty, sortsKeys: sortsKeys))
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The error from decoding `text`; fails the test when it decodes.
  func decodeError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> LuaJSONError? {
    let top = lua_gettop(L)
    do {
      try decode(text)
      Issue.record("decoded invalid JSON: \(text)", sourceLocation: sourceLocation)
      lua_settop(L, top)
      return nil
    } catch {
      #expect(lua_gettop(L) == top, "stack not restored", sourceLocation: sourceLocation)
      return error as? LuaJSONError
    }
  }

  /// Runs Lua `code` (a chunk named `test` that returns values) and returns its results through
  /// `tostring`, or `error: message` when it raises.
  func run(_ code: String) -> [String] {
    lua_settop(L, 0)
    let status = code.utf8CString.withUnsafeBufferPointer { text in
      luaL_loadbufferx(L, text.baseAddress, text.count - 1, "=test", "t")
    }
    guard status == LUA_OK else { return ["load error: " + string(at: -1)] }
    let callStatus = lua_pcallk(L, 0, LUA_MULTRET, 0, 0, nil)
    let count = lua_gettop(L)
    if callStatus != LUA_OK { return ["error: " + string(at: -1)] }
    var results: [String] = []
    for i in 1...max(count, 1) where count > 0 {
      results.append(luaL_tolstring(L, Int32(i), nil).map { String(cString: $0) } ?? "?")
      lua_settop(L, -2)
    }
    lua_settop(L, 0)
    return results
  }

  func string(at index: Int32) -> String {
    var length = 0
    guard let text = lua_tolstring(L, index, &length) else { return "(not a string)" }
    return String(decoding: UnsafeRawBufferPointer(start: text, count: length), as: UTF8.self)
  }
}
