import CLuaBridge

/// Pushing and pulling `LuaValue`s on one thread's stack. All operations are raw (no
/// metamethods), so the only thing that can raise is allocation, which the capped allocator
/// tolerates while host code runs: nothing here longjmps over Swift frames.
struct LuaStack {
  let L: OpaquePointer
  let core: LuaStateCore

  /// Deepest nesting of tables pushed or pulled.
  static let maxDepth = 200

  func ensure(_ slots: Int32) throws {
    if lua_checkstack(L, slots) == 0 {
      throw LuaError(kind: .runtime, message: "Lua stack overflow while bridging values")
    }
  }

  func push(_ value: LuaValue, depth: Int = 0) throws {
    try ensure(3)
    switch value {
    case .nil: lua_pushnil(L)
    case .boolean(let b): lua_pushboolean(L, b ? 1 : 0)
    case .integer(let i): lua_pushinteger(L, i)
    case .number(let d): lua_pushnumber(L, d)
    case .string(let bytes):
      bytes.withUnsafeBufferPointer { buf in
        _ = buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(buf.count, 1)) {
          lua_pushlstring(L, $0, buf.count)
        }
      }
    case .table(let table):
      guard depth < LuaStack.maxDepth else {
        throw LuaError(kind: .runtime, message: "table nesting deeper than \(LuaStack.maxDepth)")
      }
      lua_createtable(L, Int32(clamping: table.array.count), Int32(clamping: table.fields.count))
      for (i, element) in table.array.enumerated() {
        try push(element, depth: depth + 1)
        lua_rawseti(L, -2, lua_Integer(i + 1))
      }
      for (key, element) in table.fields {
        try push(.text(key))
        try push(element, depth: depth + 1)
        lua_rawset(L, -3)
      }
      for (key, element) in table.other {
        switch key {
        case .nil: throw LuaError(kind: .runtime, message: "table key is nil")
        case .number(let d) where d.isNaN: throw LuaError(kind: .runtime, message: "table key is NaN")
        default: break
        }
        try push(key, depth: depth + 1)
        try push(element, depth: depth + 1)
        lua_rawset(L, -3)
      }
    case .function(let ref), .reference(let ref):
      guard ref.belongs(to: core) else {
        throw LuaError(kind: .runtime, message: "a \(ref.typeName) from another Lua state")
      }
      ref.push(L)
    }
  }

  /// Copies the value at `index` (a function or userdata becomes a registry reference).
  func value(at index: Int32) throws -> LuaValue {
    var seen = Set<UnsafeRawPointer>()
    return try value(at: lua_absindex(L, index), depth: 0, seen: &seen)
  }

  private func value(at index: Int32, depth: Int, seen: inout Set<UnsafeRawPointer>) throws -> LuaValue {
    switch lua_type(L, index) {
    case LUA_TNIL, LUA_TNONE: return .nil
    case LUA_TBOOLEAN: return .boolean(lua_toboolean(L, index) != 0)
    case LUA_TNUMBER:
      if lua_isinteger(L, index) != 0 { return .integer(lua_tointegerx(L, index, nil)) }
      return .number(lua_tonumberx(L, index, nil))
    case LUA_TSTRING:
      return .string(bytes(at: index))
    case LUA_TTABLE:
      return .table(try table(at: index, depth: depth, seen: &seen))
    case LUA_TFUNCTION:
      return .function(reference(at: index, typeName: "function"))
    default:
      let name = String(cString: lua_typename(L, lua_type(L, index)))
      return .reference(reference(at: index, typeName: name))
    }
  }

  func bytes(at index: Int32) -> [UInt8] {
    var length = 0
    guard let p = lua_tolstring(L, index, &length) else { return [] }
    return p.withMemoryRebound(to: UInt8.self, capacity: length) {
      Array(UnsafeBufferPointer(start: $0, count: length))
    }
  }

  func reference(at index: Int32, typeName: String) -> LuaReference {
    lua_pushvalue(L, index)
    let ref = luaL_ref(L, terun_registryindex())
    return LuaReference(ref: ref, typeName: typeName, owner: core)
  }

  private func table(at index: Int32, depth: Int, seen: inout Set<UnsafeRawPointer>) throws -> LuaTable {
    guard depth < LuaStack.maxDepth else {
      throw LuaError(kind: .runtime, message: "table nesting deeper than \(LuaStack.maxDepth)")
    }
    let identity = lua_topointer(L, index)!
    guard seen.insert(identity).inserted else {
      throw LuaError(kind: .runtime, message: "cannot copy a table that contains itself")
    }
    defer { seen.remove(identity) }
    try ensure(4)
    var result = LuaTable()
    let length = lua_rawlen(L, index)
    var keyed: [(LuaValue, LuaValue)] = []
    lua_pushnil(L)
    while lua_next(L, index) != 0 {
      let element = try value(at: lua_gettop(L), depth: depth + 1, seen: &seen)
      switch lua_type(L, -2) {
      case LUA_TSTRING:
        result.fields[String(decoding: bytes(at: -2), as: UTF8.self)] = element
      case LUA_TNUMBER where lua_isinteger(L, -2) != 0:
        let k = lua_tointegerx(L, -2, nil)
        if k >= 1 && UInt64(k) <= UInt64(length) {
          keyed.append((.integer(k), element))
        } else {
          result.other[.integer(k)] = element
        }
      default:
        let key = try value(at: lua_absindex(L, -2), depth: depth + 1, seen: &seen)
        result.other[key] = element
      }
      terun_pop(L, 1)
    }
    // The border from lua_rawlen may leave holes (nil inside the sequence): keep the prefix.
    var array = [LuaValue](repeating: .nil, count: keyed.count)
    var filled = [Bool](repeating: false, count: keyed.count)
    for (key, element) in keyed {
      let i = Int(key.integerValue!) - 1
      if i < array.count {
        array[i] = element
        filled[i] = true
      } else {
        result.other[key] = element
      }
    }
    let prefix = filled.firstIndex(of: false) ?? filled.count
    for i in prefix..<array.count where filled[i] { result.other[.integer(Int64(i + 1))] = array[i] }
    result.array = Array(array[..<prefix])
    return result
  }
}

extension LuaReference {
  func belongs(to core: LuaStateCore) -> Bool { ownerCore === core }
}
