import CLuaBridge

/// The type of a Lua value, as `type()` names it (light and full userdata told apart).
public enum LuaType: Sendable, Equatable {
  /// An index past the top of the stack (a missing argument).
  case none
  case `nil`
  case boolean
  case lightUserdata
  case number
  case string
  case table
  case function
  case userdata
  case thread

  init(code: Int32) {
    switch code {
    case LUA_TNIL: self = .nil
    case LUA_TBOOLEAN: self = .boolean
    case LUA_TLIGHTUSERDATA: self = .lightUserdata
    case LUA_TNUMBER: self = .number
    case LUA_TSTRING: self = .string
    case LUA_TTABLE: self = .table
    case LUA_TFUNCTION: self = .function
    case LUA_TUSERDATA: self = .userdata
    case LUA_TTHREAD: self = .thread
    default: self = .none
    }
  }
}

/// A table key the host can look up again: a string, a number or a boolean.
public enum LuaKey: Sendable, Hashable {
  case string([UInt8])
  case integer(Int64)
  case number(Double)
  case boolean(Bool)

  /// A UTF-8 string key.
  public static func name(_ text: String) -> LuaKey { .string(Array(text.utf8)) }
}

/// A value in place on a Lua thread's stack, read with raw access only: no metamethod runs,
/// nothing is copied that is not asked for, and nothing raises. A slot is valid only inside
/// the closure that hands it out (``LuaState/withGlobals(_:)``, ``withField(_:_:)``, ...):
/// the stack is restored when the closure returns.
public struct LuaSlot {
  let L: OpaquePointer
  /// Absolute stack index; 0 stands for a missing value (no stack room, or past the top).
  let index: Int32

  init(_ L: OpaquePointer, _ index: Int32) {
    self.L = L
    self.index = index == 0 ? 0 : lua_absindex(L, index)
  }

  /// The value's type (`.none` for a missing value).
  public var type: LuaType { index == 0 ? .none : LuaType(code: lua_type(L, index)) }

  /// The type's name as Lua's `type()` gives it ("no value" for a missing value).
  public var typeName: String {
    index == 0 ? "no value" : String(cString: lua_typename(L, lua_type(L, index)))
  }

  /// Lua's truth: false only for `nil`, `false` and a missing value.
  public var isTruthy: Bool { index != 0 && lua_toboolean(L, index) != 0 }

  /// The integer, when the value is a number of integer subtype.
  public var integer: Int64? {
    guard type == .number, lua_isinteger(L, index) != 0 else { return nil }
    return lua_tointegerx(L, index, nil)
  }

  /// The number (integers converted), when the value is a number.
  public var number: Double? { type == .number ? lua_tonumberx(L, index, nil) : nil }

  /// The bytes, when the value is a string (numbers are not converted).
  public var bytes: [UInt8]? {
    guard type == .string else { return nil }
    var length = 0
    guard let pointer = lua_tolstring(L, index, &length) else { return [] }
    return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
      Array(UnsafeBufferPointer(start: $0, count: length))
    }
  }

  /// The string as UTF-8 text (invalid sequences repaired), when the value is a string.
  public var text: String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

  /// The value's identity (tables, functions, userdata, threads), for cycle checks and
  /// printing as `table: 0x...`; nil for other values.
  public var identity: UnsafeRawPointer? { index == 0 ? nil : lua_topointer(L, index) }

  /// Whether the value is the marker LuaHost raises when it stops the code running (a kill, or
  /// a stopped statement): it says "stopped", not what the code did.
  public var isStopMarker: Bool { index != 0 && terun_is_kill_sentinel(L, index) != 0 }

  /// Copies the value into Swift (a function or userdata becomes a registry reference).
  public func copy(in state: LuaState) throws -> LuaValue {
    index == 0 ? .nil : try LuaStack(L: L, core: state.core).value(at: index)
  }

  /// Runs `body` with the raw field `key` of this table (a missing value when this is not a
  /// table or there is no stack room).
  public func withField<T>(_ key: LuaKey, _ body: (LuaSlot) throws -> T) rethrows -> T {
    guard type == .table, lua_checkstack(L, 2) != 0 else { return try body(LuaSlot(L, 0)) }
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    Self.push(key, on: L)
    lua_rawget(L, index)
    return try body(LuaSlot(L, -1))
  }

  /// Runs `body` with the raw element `position` of this table (see ``withField(_:_:)``).
  public func withElement<T>(_ position: Int64, _ body: (LuaSlot) throws -> T) rethrows -> T {
    try withField(.integer(position), body)
  }

  /// Calls `body` with each key and value of this table (raw, `next`'s order). `body` must not
  /// change the table.
  public func forEachPair(_ body: (_ key: LuaSlot, _ value: LuaSlot) throws -> Void) rethrows {
    guard type == .table, lua_checkstack(L, 3) != 0 else { return }
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    lua_pushnil(L)
    while lua_next(L, index) != 0 {
      let pair = lua_gettop(L)
      try body(LuaSlot(L, pair - 1), LuaSlot(L, pair))
      lua_settop(L, pair - 1)
    }
  }

  /// Runs `body` with the `__index` of this value's metatable when that is a table (raw
  /// reads); nil when there is none.
  public func withIndexTable<T>(_ body: (LuaSlot) throws -> T) rethrows -> T? {
    guard index != 0, lua_checkstack(L, 3) != 0 else { return nil }
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    guard lua_getmetatable(L, index) != 0 else { return nil }
    lua_pushstring(L, "__index")
    guard lua_rawget(L, -2) == LUA_TTABLE else { return nil }
    return try body(LuaSlot(L, -1))
  }

  static func push(_ key: LuaKey, on L: OpaquePointer) {
    switch key {
    case .string(let bytes):
      if bytes.isEmpty {
        lua_pushstring(L, "")
      } else {
        bytes.withUnsafeBufferPointer { buffer in
          buffer.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
      }
    case .integer(let number): lua_pushinteger(L, number)
    case .number(let number): lua_pushnumber(L, number)
    case .boolean(let flag): lua_pushboolean(L, flag ? 1 : 0)
    }
  }
}
