import CLuaBridge

/// Swift objects handed to Lua as full userdata with a shared metatable (a "class"): the
/// userdata holds a retained reference to the object, released by the metatable's `__gc`
/// (plain C-convention code that touches no Lua state, so it is safe while the state
/// closes). Define the class once per state with ``LuaState/defineObjectClass(_:methods:metamethods:)``,
/// push instances from host functions with ``LuaCallContext/pushObject(_:class:)`` and get
/// them back with ``LuaCallContext/object(_:class:as:)``.
extension LuaState {
  /// Registers the metatable `name` (in the registry, as `luaL_newmetatable` does): `__index`
  /// is a table of `methods`, `metamethods` are set as they are (`__close`, `__tostring`,
  /// ...), `__gc` releases the Swift object and `__metatable` hides the metatable from
  /// `getmetatable`. Redefining a name replaces nothing (the first definition stays).
  public func defineObjectClass(
    _ name: String, methods: [String: LuaHostFunction], metamethods: [String: LuaHostFunction] = [:]
  ) {
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    guard luaL_newmetatable(L, name) != 0 else { return }
    lua_pushcclosure(L, luaObjectCollect, 0)
    lua_setfield(L, -2, "__gc")
    terun_newtable(L)
    for (method, function) in methods.sorted(by: { $0.key < $1.key }) {
      pushFunction(method, function)
      lua_setfield(L, -2, method)
    }
    lua_setfield(L, -2, "__index")
    for (event, function) in metamethods.sorted(by: { $0.key < $1.key }) {
      pushFunction(event, function)
      lua_setfield(L, -2, event)
    }
    lua_pushstring(L, name)
    lua_setfield(L, -2, "__metatable")
  }
}

extension LuaCallContext {
  /// Pushes `object` as a userdata of the class `name` (defined with
  /// `defineObjectClass`); Lua holds a reference to the object until the userdata is
  /// collected.
  public func pushObject(_ object: AnyObject, class name: String) {
    let slot = lua_newuserdatauv(L, MemoryLayout<UnsafeMutableRawPointer?>.size, 0)!
    slot.storeBytes(of: Unmanaged.passRetained(object).toOpaque(), as: UnsafeMutableRawPointer?.self)
    luaL_setmetatable(L, name)
  }

  /// The object behind argument `index` if it is a userdata of the class `name` holding a
  /// `T`, else nil.
  public func object<T: AnyObject>(_ index: Int32, class name: String, as type: T.Type = T.self) -> T? {
    guard index <= argumentCount, let slot = luaL_testudata(L, index, name),
      let pointer = slot.load(as: UnsafeMutableRawPointer?.self)
    else { return nil }
    return Unmanaged<AnyObject>.fromOpaque(pointer).takeUnretainedValue() as? T
  }

  /// Runs `body` with argument `index` as bytes without copying them; a string (or a
  /// number, converted as `tostring` does) is required.
  public func withBytes<R>(_ index: Int32, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
    let type = index > argumentCount ? LUA_TNONE : lua_type(L, index)
    guard type == LUA_TSTRING || type == LUA_TNUMBER else { throw argumentError(index, expected: "string") }
    // Convert a copy of a number: lua_tolstring would change the argument in place.
    lua_pushvalue(L, index)
    defer { terun_pop(L, 1) }
    var length = 0
    guard let pointer = lua_tolstring(L, -1, &length) else {
      return try body(UnsafeRawBufferPointer(start: nil, count: 0))
    }
    return try body(UnsafeRawBufferPointer(start: UnsafeRawPointer(pointer), count: length))
  }
}

/// `__gc` of object classes: drops the userdata's reference to its Swift object (once).
private func luaObjectCollect(_ L: OpaquePointer?) -> Int32 {
  guard let L, let slot = lua_touserdata(L, 1),
    let pointer = slot.load(as: UnsafeMutableRawPointer?.self)
  else { return 0 }
  slot.storeBytes(of: nil, as: UnsafeMutableRawPointer?.self)
  Unmanaged<AnyObject>.fromOpaque(pointer).release()
  return 0
}
