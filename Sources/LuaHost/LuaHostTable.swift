import CLuaBridge

/// Tables the host builds and keeps (module tables such as `te`), filled with raw sets.
extension LuaState {
  /// Makes an empty table held by a registry reference (a `.reference` value): fill it with
  /// ``setField(path:in:to:)`` and hand it to Lua like any other value.
  public func newTable() -> LuaValue {
    terun_newtable(L)
    defer { pop() }
    return .reference(LuaStack(L: L, core: core).reference(at: -1, typeName: "table"))
  }

  /// Sets `table[path] = value` with raw access. A dotted path (`"tests.get"`) walks (and
  /// creates, where missing or not a table) the intermediate tables.
  public func setField(path: String, in table: LuaValue, to value: LuaValue) throws {
    let stack = LuaStack(L: L, core: core)
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    try stack.ensure(6)
    try stack.push(table)
    guard lua_type(L, -1) == LUA_TTABLE else {
      throw LuaError(kind: .runtime, message: "cannot set \(path): not a table")
    }
    let parts = path.split(separator: ".").map(String.init)
    for part in parts.dropLast() {
      lua_pushstring(L, part)
      if lua_rawget(L, -2) != LUA_TTABLE {
        pop()
        terun_newtable(L)
        lua_pushstring(L, part)
        lua_pushvalue(L, -2)
        lua_rawset(L, -4)
      }
      terun_remove(L, -2)
    }
    lua_pushstring(L, parts.last ?? path)
    try stack.push(value)
    lua_rawset(L, -3)
  }

  /// `csv.format_row` in C (`te.csv.format_row`): stdlib/csv.lua's function with the same
  /// output byte for byte.
  public func csvFormatRowFunction() -> LuaValue {
    lua_pushcclosure(L, terun_csv_format_row, 0)
    defer { pop() }
    return .function(LuaStack(L: L, core: core).reference(at: -1, typeName: "function"))
  }
}

extension LuaJSON {
  /// Installs the `json` table (see ``install(into:tableIndex:)``) as field `json` of `table`,
  /// a table of `state`.
  public static func install(into table: LuaValue, of state: LuaState) throws {
    let L = state.L
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    try state.push(table)
    do {
      try install(into: L, tableIndex: lua_gettop(L))
    } catch {
      throw LuaError(kind: .runtime, message: String(describing: error))
    }
  }

  /// A new array of `items` marked as a JSON array (it encodes as `[...]` even when empty).
  public static func array(_ items: [LuaValue], in state: LuaState) throws -> LuaValue {
    let L = state.L
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    try state.push(.table(LuaTable(array: items)))
    pushArrayMetatable(L)
    lua_setmetatable(L, -2)
    return .reference(LuaStack(L: L, core: state.core).reference(at: -1, typeName: "table"))
  }
}
