import CLuaBridge

extension LuaCallContext {
  /// The type of argument `index` (`.none` past the end).
  public func argumentType(_ index: Int32) -> LuaType {
    index > argumentCount ? .none : LuaType(code: lua_type(L, index))
  }

  /// Whether argument `index` is missing or nil.
  public func isNilOrMissing(_ index: Int32) -> Bool {
    let type = argumentType(index)
    return type == .none || type == .nil
  }

  /// Argument `index` by Lua's truth (false only for nil, `false` and a missing argument).
  public func isTruthy(_ index: Int32) -> Bool {
    index <= argumentCount && lua_toboolean(L, index) != 0
  }

  /// Pushes argument `index` itself (not a copy) as a result, e.g. to return `self`.
  public func pushArgument(_ index: Int32) {
    guard index <= argumentCount else { return lua_pushnil(L) }
    lua_pushvalue(L, index)
  }

  /// Whether host code that blocks (a request, a sleep) should give up now: the run was
  /// killed, or the REPL statement it belongs to was stopped.
  public var isStopRequested: Bool { terun_stop_requested(L) != 0 }

  /// `file:line` of the innermost Lua frame of the calling thread whose source `accept`
  /// takes (frames without a current line, C functions among them, are skipped), or nil.
  public func innermostLocation(where accept: (_ source: String) -> Bool) -> String? {
    LuaState.innermostLocation(on: L, where: accept)
  }
}

extension LuaState {
  /// `file:line` of the innermost Lua frame of `thread` (a thread of a state) whose source
  /// `accept` takes (frames without a current line are skipped), or nil.
  public static func innermostLocation(on thread: OpaquePointer, where accept: (_ source: String) -> Bool)
    -> String?
  {
    var level: Int32 = 0
    var record = lua_Debug()
    while lua_getstack(thread, level, &record) != 0 {
      level += 1
      guard lua_getinfo(thread, "Sl", &record) != 0, record.currentline > 0 else { continue }
      let source = withUnsafeBytes(of: &record.short_src) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      if accept(source) { return "\(source):\(record.currentline)" }
    }
    return nil
  }
}
