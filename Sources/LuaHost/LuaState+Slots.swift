import CLuaBridge
import Foundation

/// How a protected call ended, its values read in place (``LuaState/withProtectedCall(_:_:_:)``).
public enum LuaCallResult {
  /// The function returned these values.
  case returned([LuaSlot])
  /// The function raised this error value (a stop raises LuaHost's stop marker).
  case raised(LuaSlot)
}

extension LuaState {
  /// Runs `body` with the global table (the real one, not a sandbox environment), read raw.
  public func withGlobals<T>(_ body: (LuaSlot) throws -> T) rethrows -> T {
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    guard lua_checkstack(L, 1) != 0 else { return try body(LuaSlot(L, 0)) }
    terun_pushglobaltable(L)
    return try body(LuaSlot(L, -1))
  }

  /// Runs `body` with `value` in place on the stack.
  public func withValue<T>(_ value: LuaValue, _ body: (LuaSlot) throws -> T) throws -> T {
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    try push(value)
    return try body(LuaSlot(L, -1))
  }

  /// Calls `function` with `arguments` in protected mode (errors keep a traceback, as with
  /// ``call(_:_:)``) and runs `body` with its results or its error value still on the stack, so
  /// that they can be read without copying them (the REPL prints them). Unlike ``call(_:_:)``,
  /// neither a kill nor an error is thrown: `body` sees what happened, and ``isKilled`` tells
  /// whether the state was stopped for good. With `statement`, the call runs under those
  /// limits (``beginStatement(_:)``) and `body` also gets why they stopped it, if they did.
  /// Throws only when the call cannot be set up.
  public func withProtectedCall<T>(
    _ function: LuaValue, _ arguments: [LuaValue] = [], statement: LuaStatementLimits? = nil,
    _ body: (LuaCallResult, LuaStatementStop?) throws -> T
  ) throws -> T {
    let stack = LuaStack(L: L, core: core)
    let base = lua_gettop(L)
    defer { lua_settop(L, base) }
    try stack.ensure(Int32(clamping: arguments.count + 3))
    lua_pushcclosure(L, terun_message_handler, 0)
    try stack.push(function)
    for argument in arguments { try stack.push(argument) }
    if let statement { beginStatement(statement) }
    terun_leave_host(L)
    let status = terun_pcall(L, Int32(arguments.count), LUA_MULTRET, base + 1)
    terun_enter_host(L)
    let stop = statement == nil ? nil : endStatement()
    if status != terun_ok() { return try body(.raised(LuaSlot(L, -1)), stop) }
    let top = lua_gettop(L)
    let results = top > base + 1 ? ((base + 2)...top).map { LuaSlot(L, $0) } : []
    return try body(.returned(results), stop)
  }

  /// Whether the state was stopped for good (a limit, the watchdog, a sandbox violation not
  /// yet cleared): every further call fails with the reason.
  public var isKilled: Bool { terun_kill_reason(L) != TERUN_KILL_NONE }

  /// Sets `table[key] = value` (raw) on the table in the global `global` (raw read); returns
  /// false, changing nothing, when that global is not a table.
  @discardableResult
  public func setField(_ key: String, of global: String, to value: LuaValue) throws -> Bool {
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    try LuaStack(L: L, core: core).ensure(4)
    terun_pushglobaltable(L)
    lua_pushstring(L, global)
    guard lua_rawget(L, -2) == LUA_TTABLE else { return false }
    lua_pushstring(L, key)
    try push(value)
    lua_rawset(L, -3)
    return true
  }
}

// MARK: - Statements

/// Why LuaHost stopped a statement (``LuaState/endStatement()``).
public enum LuaStatementStop: Sendable, Equatable {
  /// The interrupt flag was set (Ctrl-C).
  case interrupted
  /// The statement ran more instructions than its budget.
  case instructionLimit
  /// The statement ran longer than its timeout.
  case timeout
}

/// The limits of one statement (``LuaState/beginStatement(_:)``).
public struct LuaStatementLimits {
  /// The statement's budget, counted from its start as the state counts (nil: none).
  public var maxInstructions: Int64?
  /// Seconds of wall-clock time (nil: none).
  public var timeout: Double?
  /// A flag a signal handler sets (Ctrl-C), read while the statement runs; one already set when
  /// it starts stops it at once (a Ctrl-C between reading the line and running it is not lost;
  /// a host takes the ones meant for its prompt). The stop clears it. It must outlive the
  /// statement (nil: none).
  public var interruptFlag: UnsafeMutablePointer<sig_atomic_t>?

  /// Makes limits.
  public init(
    maxInstructions: Int64? = nil, timeout: Double? = nil,
    interruptFlag: UnsafeMutablePointer<sig_atomic_t>? = nil
  ) {
    self.maxInstructions = maxInstructions
    self.timeout = timeout
    self.interruptFlag = interruptFlag
  }
}

extension LuaState {
  /// Arms `limits` for one statement, for a host that keeps its state across statements (the
  /// REPL). They are enforced by the same count hook, C-work charges and host-function returns
  /// as the state's own limits, and stop the statement the same way (`pcall` cannot catch the
  /// stop; a message handler does not run), but unlike a kill the stop ends with the
  /// statement: call ``endStatement()`` after it, and the state runs again.
  public func beginStatement(_ limits: LuaStatementLimits) {
    let nanoseconds = limits.timeout.map { Int64(($0 * 1e9).rounded()) } ?? 0
    terun_statement_begin(L, limits.maxInstructions ?? 0, nanoseconds, limits.interruptFlag)
  }

  /// Disarms the statement's limits; returns why they stopped it, if they did.
  public func endStatement() -> LuaStatementStop? {
    switch Int(terun_statement_end(L)) {
    case Int(TERUN_STOP_INTERRUPT): return .interrupted
    case Int(TERUN_STOP_INSTRUCTIONS): return .instructionLimit
    case Int(TERUN_STOP_TIMEOUT): return .timeout
    default: return nil
    }
  }

  /// Whether host code that blocks (a request, a sleep) should give up now: the state was
  /// killed, or its statement stopped. Host functions get it as ``LuaCallContext/isStopRequested``.
  public var isStopRequested: Bool { terun_stop_requested(L) != 0 }
}
