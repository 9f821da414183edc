import CLua
import CLuaBridge

/// `LUA_RIDX_GLOBALS`: the globals table's index in the registry.
private let globalsRegistryIndex: lua_Integer = 2

/// The embedded Lua file of `te.json`'s wrapper, loaded as one of terun's own chunks
/// (`@terun/json.lua`; see ``InternalChunk``).
private let wrapperPath = "terun/json.lua"

extension LuaJSON {
  /// Creates the `json` table (`encode`, `decode`, `null`, `array`, `object`) and stores it as
  /// field `json` of the table at `tableIndex` (for example the `te` module table).
  ///
  /// Swift never raises a Lua error (docs/architecture.md, rule 1): the Swift functions below return
  /// `true, results...` or `false, message`, and a small Lua wrapper, `Lua/terun/json.lua`,
  /// calls `error(message, 2)` so that the message carries the runbook's file:line. The wrapper
  /// captures the base library's `error` from the globals table, so the base library must be open.
  ///
  /// - `json.encode(v [, {pretty = true}])` returns a string; see ``encode(_:at:options:)``.
  /// - `json.decode(s)` returns a value; see ``decode(_:into:options:)``.
  /// - `json.null` is the light userdata ``null``.
  /// - `json.array(t)` / `json.object(t)` mark `t` (a new table when absent) and return it.
  public static func install(into L: OpaquePointer, tableIndex: Int32) throws(LuaJSONError) {
    let target = lua_absindex(L, tableIndex)
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    guard lua_checkstack(L, 12) != 0 else { throw LuaJSONError(message: "te.json: Lua stack exhausted") }
    // The wrapper, terun/json.lua, turns `false, message` into a Lua error raised by Lua itself.
    guard let wrapper = EmbeddedLuaSources.library[wrapperPath],
      luaL_loadbufferx(L, wrapper, wrapper.utf8.count, "@" + wrapperPath, "t") == LUA_OK
    else { throw LuaJSONError(message: "te.json: cannot load the wrapper chunk") }
    // Each function runs bracketed as host code, so that the capped allocator never fails
    // (and longjmps over these Swift frames) while it runs; an overshoot is raised by the
    // count hook right after it returns (docs/architecture.md, rule 1).
    lua_pushcclosure(L, { L in LuaJSON.asHost(L!, LuaJSON.luaEncode) }, 0)
    lua_pushcclosure(L, { L in LuaJSON.asHost(L!, LuaJSON.luaDecode) }, 0)
    lua_pushcclosure(L, { L in LuaJSON.asHost(L!, LuaJSON.luaMarkArray) }, 0)
    lua_pushcclosure(L, { L in LuaJSON.asHost(L!, LuaJSON.luaMarkObject) }, 0)
    lua_pushcclosure(L, terun_lua_check_kill, 0)
    lua_rawgeti(L, luaRegistryIndex, globalsRegistryIndex)
    lua_pushstring(L, "error")
    lua_rawget(L, -2)
    lua_rotate(L, -2, 1)
    lua_settop(L, -2)  // drop the globals table, keep `error`
    guard lua_type(L, -1) == LUA_TFUNCTION else {
      throw LuaJSONError(message: "te.json needs the base library's `error` function")
    }
    guard lua_pcallk(L, 6, 1, 0, 0, nil) == LUA_OK else {
      throw LuaJSONError(message: "te.json: the wrapper chunk failed")
    }
    // The chunk returned the json table without `null`.
    lua_pushstring(L, "null")
    lua_pushlightuserdata(L, null)
    lua_rawset(L, -3)
    lua_pushstring(L, "json")
    lua_rotate(L, -2, 1)
    lua_rawset(L, target)
  }

  /// Runs `body` with the state marked as inside host code (see `terun_enter_host`).
  static func asHost(_ L: OpaquePointer, _ body: (OpaquePointer) -> Int32) -> Int32 {
    terun_enter_host(L)
    defer { terun_leave_host(L) }
    return body(L)
  }

  /// `json.encode(value [, options])` as a status-returning C function: pushes `true, text` or
  /// `false, message` and returns 2. Never raises.
  public static func luaEncode(_ L: OpaquePointer) -> Int32 {
    lua_settop(L, 2)
    var options = EncodeOptions()
    if lua_type(L, 2) == LUA_TTABLE {
      lua_pushstring(L, "pretty")
      lua_rawget(L, 2)
      options.pretty = lua_toboolean(L, -1) != 0
      lua_settop(L, 2)
    } else if lua_type(L, 2) != LUA_TNIL {
      return failure(L, "json.encode: options must be a table, got \(typeName(L, 2))")
    }
    do {
      let text = try encode(L, at: 1, options: options)
      // The text counts against the memory cap while it is copied into a Lua string.
      guard terun_host_charge(L, text.count) != 0 else {
        _ = terun_host_charge(L, -text.count)
        return failure(L, "json.encode: memory limit reached")
      }
      defer { _ = terun_host_charge(L, -text.count) }
      lua_pushboolean(L, 1)
      text.withUnsafeBytes { bytes in
        _ = lua_pushlstring(L, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count)
      }
      return 2
    } catch {
      return failure(L, error.message)
    }
  }

  /// `json.decode(text)` as a status-returning C function: pushes `true, value` or
  /// `false, message` and returns 2. Never raises.
  public static func luaDecode(_ L: OpaquePointer) -> Int32 {
    lua_settop(L, 1)
    guard lua_type(L, 1) == LUA_TSTRING else {
      return failure(L, "json.decode expects a string, got \(typeName(L, 1))")
    }
    var length = 0
    let text = lua_tolstring(L, 1, &length)
    lua_pushboolean(L, 1)
    do {
      try decode(UnsafeRawBufferPointer(start: text, count: length), into: L)
      return 2
    } catch {
      return failure(L, error.message)
    }
  }

  /// `json.array([t])`: gives `t` (or a new table) the array metatable; pushes `true, t`.
  public static func luaMarkArray(_ L: OpaquePointer) -> Int32 {
    mark(L, as: arrayMetatableName)
  }

  /// `json.object([t])`: gives `t` (or a new table) the object metatable; pushes `true, t`.
  public static func luaMarkObject(_ L: OpaquePointer) -> Int32 {
    mark(L, as: objectMetatableName)
  }

  private static func mark(_ L: OpaquePointer, as name: String) -> Int32 {
    lua_settop(L, 1)
    let function = name == arrayMetatableName ? "json.array" : "json.object"
    switch lua_type(L, 1) {
    case LUA_TNIL:
      lua_settop(L, 0)
      lua_createtable(L, 0, 0)
    case LUA_TTABLE:
      if lua_getmetatable(L, 1) != 0 {
        pushArrayMetatable(L)
        pushObjectMetatable(L)
        let ours = lua_rawequal(L, -3, -2) != 0 || lua_rawequal(L, -3, -1) != 0
        lua_settop(L, 1)
        if !ours { return failure(L, "\(function): the table already has a metatable") }
      }
    default:
      return failure(L, "\(function) expects a table, got \(typeName(L, 1))")
    }
    if name == arrayMetatableName { pushArrayMetatable(L) } else { pushObjectMetatable(L) }
    lua_setmetatable(L, 1)
    lua_pushboolean(L, 1)
    lua_rotate(L, 1, 1)
    return 2
  }

  private static func failure(_ L: OpaquePointer, _ message: String) -> Int32 {
    lua_settop(L, 0)
    lua_pushboolean(L, 0)
    lua_pushstring(L, message)
    return 2
  }

  private static func typeName(_ L: OpaquePointer, _ index: Int32) -> String {
    String(cString: lua_typename(L, lua_type(L, index)))
  }
}
