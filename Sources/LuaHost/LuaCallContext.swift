import CLuaBridge

/// A Swift function callable from Lua. It reads its arguments from the context, pushes its
/// results and returns how many it pushed. Throwing raises a Lua error (from C, after the
/// function has returned): `LuaScriptError` for a message, `LuaErrorValue` for a structured
/// error table, `LuaSandboxViolation` to stop the run; any other error's description
/// becomes the message.
public typealias LuaHostFunction = (LuaCallContext) throws -> Int32

/// What a host function sees: its arguments and the stack of the calling thread.
public struct LuaCallContext {
  /// The calling thread's raw `lua_State` (may be a coroutine). For direct stack work, such
  /// as decoding JSON straight onto the stack; push only, never call `lua_error`.
  public let L: OpaquePointer
  /// The state this call belongs to.
  public unowned let state: LuaState
  /// The name the function was registered under (used in argument errors).
  public let functionName: String
  /// How many arguments Lua passed.
  public let argumentCount: Int32

  var stack: LuaStack { LuaStack(L: L, core: state.core) }

  /// The argument at 1-based `index` (`.nil` past the end).
  public func argument(_ index: Int32) throws -> LuaValue {
    index > argumentCount ? .nil : try stack.value(at: index)
  }

  /// The Lua type name of argument `index` ("no value" past the end).
  public func typeName(_ index: Int32) -> String {
    index > argumentCount ? "no value" : String(cString: lua_typename(L, lua_type(L, index)))
  }

  /// Argument `index` as bytes; a string (or a number, converted) is required.
  public func bytes(_ index: Int32) throws -> [UInt8] {
    let type = index > argumentCount ? LUA_TNONE : lua_type(L, index)
    guard type == LUA_TSTRING || type == LUA_TNUMBER else { throw argumentError(index, expected: "string") }
    if type == LUA_TNUMBER {
      // Convert a copy: lua_tolstring would change the argument in place.
      lua_pushvalue(L, index)
      defer { terun_pop(L, 1) }
      return stack.bytes(at: -1)
    }
    return stack.bytes(at: index)
  }

  /// Argument `index` as UTF-8 text; a string is required.
  public func string(_ index: Int32) throws -> String {
    String(decoding: try bytes(index), as: UTF8.self)
  }

  /// Argument `index` as an integer; an integer (or a float with an integral value) is required.
  public func integer(_ index: Int32) throws -> Int64 {
    if index <= argumentCount, lua_type(L, index) == LUA_TNUMBER {
      var ok: Int32 = 0
      let value = lua_tointegerx(L, index, &ok)
      if ok != 0 { return value }
      throw LuaScriptError(
        "bad argument #\(index) to '\(functionName)' (number has no integer representation)")
    }
    throw argumentError(index, expected: "integer")
  }

  /// An error in the style of Lua's own: `bad argument #1 to 'read' (string expected, got nil)`.
  public func argumentError(_ index: Int32, expected: String) -> LuaScriptError {
    LuaScriptError(
      "bad argument #\(index) to '\(functionName)' (\(expected) expected, got \(typeName(index)))")
  }

  /// Pushes a result.
  public func push(_ value: LuaValue) throws { try stack.push(value) }

  /// Pushes a new host function as a result, on the calling thread's stack (a coroutine's
  /// when the call comes from one).
  public func pushFunction(_ name: String, _ function: @escaping LuaHostFunction) {
    state.pushFunction(name, function)
    if L != state.L { lua_xmove(state.L, L, 1) }
  }

  /// Calls a Lua function from inside a host function (protected; errors are thrown).
  public func call(_ function: LuaValue, _ arguments: [LuaValue] = []) throws -> [LuaValue] {
    try state.call(function, arguments, on: L)
  }
}

/// What Lua keeps for a registered Swift function.
final class HostFunctionBox {
  let name: String
  let function: LuaHostFunction
  unowned let state: LuaState

  init(name: String, function: @escaping LuaHostFunction, state: LuaState) {
    self.name = name
    self.function = function
    self.state = state
  }
}

/// Called by the C trampoline. Never raises: returns a count or TERUN_HOST_RAISE.
func hostDispatch(_ L: OpaquePointer?, _ box: UnsafeMutableRawPointer?) -> Int32 {
  guard let L, let box else { return 0 }
  let host = Unmanaged<HostFunctionBox>.fromOpaque(box).takeUnretainedValue()
  let context = LuaCallContext(
    L: L, state: host.state, functionName: host.name, argumentCount: lua_gettop(L))
  do {
    return try host.function(context)
  } catch {
    return host.state.pushError(error, on: L)
  }
}

/// Called from the userdata's __gc: drops Lua's retain of the box.
func hostRelease(_ box: UnsafeMutableRawPointer?) {
  guard let box else { return }
  Unmanaged<HostFunctionBox>.fromOpaque(box).release()
}
