import CLuaBridge
import Foundation

/// Limits for one state. Zero means "no limit".
public struct LuaLimits: Sendable {
  /// Memory cap in bytes for everything the state allocates (default 1 GiB).
  public var maxMemory: Int
  /// Instruction budget (counted in steps of 1000 VM instructions and pattern-match steps).
  public var maxInstructions: Int64

  /// Makes limits.
  public init(maxMemory: Int = 1 << 30, maxInstructions: Int64 = 0) {
    self.maxMemory = maxMemory
    self.maxInstructions = maxInstructions
  }
}

/// One `lua_State` with capped memory, an instruction budget, a kill switch and the Swift
/// bridge. Use one per run.
///
/// Threading rule: a `LuaState` (and every `LuaValue.function`/`.reference` taken from it)
/// is not thread-safe and not `Sendable`: create it, use it and drop it on one thread at a
/// time. The only thing another thread may do is `killSwitch.kill(...)` (what the watchdog
/// does).
public final class LuaState {
  /// The raw main thread, for direct stack work. Do not call `lua_error` on it from Swift.
  public let L: OpaquePointer
  let core: LuaStateCore
  private var watchdog: Watchdog?
  private var watchdogDeadline: Date?
  private var backstop: Watchdog.Backstop?
  /// The message of the sandbox violation that stopped the run, if any.
  private(set) var violationMessage: String?
  private static let bridgeInit: Void = terun_bridge_init(hostDispatch, hostRelease)

  /// Creates a bare state (no libraries) with the given limits and installs the count hook.
  public init(limits: LuaLimits = LuaLimits()) throws {
    _ = LuaState.bridgeInit
    guard let L = terun_newstate(max(0, limits.maxMemory), max(0, limits.maxInstructions)) else {
      throw LuaError(kind: .memoryLimit, message: "cannot create a Lua state within the memory limit")
    }
    self.L = L
    self.core = LuaStateCore(L)
    terun_extraspace(L).pointee = Unmanaged.passUnretained(self).toOpaque()
    terun_install_hook(L)
  }

  deinit {
    watchdog?.cancel()
    core.L = nil
    terun_close(L)
  }

  /// Bytes the state has allocated.
  public var memoryUsed: Int { terun_memory_used(L) }
  /// Bytes the state may still use before its memory cap (`Int.max` without a cap).
  public var memoryAvailable: Int {
    let limit = terun_memory_limit(L)
    guard limit != 0 else { return Int.max }
    let used = terun_memory_used(L)
    return used >= limit ? 0 : Int(limit - used)
  }

  /// Charges `bytes` of host (Swift) memory to the memory cap, for as long as the host holds
  /// them; give them back with ``releaseHostMemory(_:)``. Throws the memory limit error (the
  /// run is killed) when the cap is crossed; the bytes stay charged then.
  public func chargeHostMemory(_ bytes: Int) throws {
    guard bytes > 0 else { return }
    if terun_host_charge(L, bytes) == 0 { throw memoryLimitExceeded() }
  }

  /// Gives back bytes charged with ``chargeHostMemory(_:)``.
  public func releaseHostMemory(_ bytes: Int) {
    guard bytes > 0 else { return }
    _ = terun_host_charge(L, -bytes)
  }

  /// Kills the run for its memory cap and returns the error to throw.
  public func memoryLimitExceeded() -> LuaError {
    terun_kill(L, Int32(TERUN_KILL_MEMORY))
    return LuaError(
      kind: .memoryLimit, message: "memory limit exceeded (limit \(terun_memory_limit(L)) bytes)")
  }

  /// Instructions counted so far (a multiple of the hook interval).
  public var instructionsUsed: Int64 { terun_instructions_used(L) }
  /// Number of slots in the registry's array part (where references live); flat when
  /// references are released.
  public var registrySize: Int {
    Int(lua_rawlen(L, terun_registryindex()))
  }

  /// Runs a full garbage collection (finalizers run protected).
  public func collectGarbage() { terun_gc_collect(L) }

  /// The kill switch, safe to use from any thread while the state lives.
  public var killSwitch: LuaKillSwitch { LuaKillSwitch(handle: terun_kill_handle(L)!) }

  /// Starts a watchdog that stops the run after `seconds` of wall-clock time. The code then
  /// fails with kind `.timeout`; `pcall` cannot catch it. Replaces an earlier watchdog (and
  /// keeps its backstop).
  public func startWatchdog(seconds: Double) {
    watchdogDeadline = Date(timeIntervalSinceNow: seconds)
    restartWatchdog()
  }

  /// Arms the backstop: once the run is stopped by any limit or sandbox rule, if it has not
  /// ended `grace` seconds later (Lua code running with hooks off, a long C call: the host is
  /// still inside its protected call), `handler`
  /// is called on the watchdog's thread with the kind of the stop. The state is then stuck
  /// for good: the handler should end the process. It does not depend on the count hook.
  public func armBackstop(grace: Double, handler: @escaping @Sendable (LuaError.Kind) -> Void) {
    backstop = Watchdog.Backstop(grace: grace, handler: handler)
    restartWatchdog()
  }

  /// Stops the watchdog and its backstop, if any.
  public func stopWatchdog() {
    watchdog?.cancel()
    watchdog = nil
    watchdogDeadline = nil
    backstop = nil
  }

  private func restartWatchdog() {
    watchdog?.cancel()
    watchdog = Watchdog(deadline: watchdogDeadline, killSwitch: killSwitch, backstop: backstop)
  }

  /// Opens the standard libraries base, string, table, math, utf8 and coroutine, as Lua
  /// ships them. This is not a sandbox (base has `dofile`, `load` takes binary chunks): use
  /// `LuaSandbox` for runbooks.
  public func openLibraries() {
    let openers: [(String, lua_CFunction)] = [
      ("_G", luaopen_base), (LUA_STRLIBNAME, luaopen_string), (LUA_TABLIBNAME, luaopen_table),
      (LUA_MATHLIBNAME, luaopen_math), (LUA_UTF8LIBNAME, luaopen_utf8), (LUA_COLIBNAME, luaopen_coroutine),
    ]
    for (name, opener) in openers {
      luaL_requiref(L, name, opener, 1)
      pop()
    }
  }

  // MARK: Values

  /// Pushes a value onto the main thread's stack.
  public func push(_ value: LuaValue) throws { try LuaStack(L: L, core: core).push(value) }

  /// Copies the value at `index` of the main thread's stack.
  public func value(at index: Int32) throws -> LuaValue { try LuaStack(L: L, core: core).value(at: index) }

  /// Pops `count` values from the main thread's stack.
  public func pop(_ count: Int32 = 1) { terun_pop(L, count) }

  /// Sets a global (in the real global table, not a sandbox environment).
  public func setGlobal(_ name: String, _ value: LuaValue) throws {
    try push(value)
    lua_setglobal(L, name)
  }

  /// Reads a global (raw; no metamethods).
  public func global(_ name: String) throws -> LuaValue {
    terun_pushglobaltable(L)
    lua_pushstring(L, name)
    lua_rawget(L, -2)
    defer { pop(2) }
    return try value(at: -1)
  }

  // MARK: Functions

  /// Makes a Lua function that calls `function`. `name` appears in argument errors.
  public func function(_ name: String, _ function: @escaping LuaHostFunction) -> LuaValue {
    pushFunction(name, function)
    defer { pop() }
    return try! value(at: -1)
  }

  /// Pushes a Lua function that calls `function` onto the main thread's stack.
  public func pushFunction(_ name: String, _ function: @escaping LuaHostFunction) {
    let box = HostFunctionBox(name: name, function: function, state: self)
    terun_push_host_function(L, Unmanaged.passRetained(box).toOpaque())
  }

  /// Registers `function` as global `name`, or as field `name` of the global table `table`
  /// (created if missing).
  public func register(_ name: String, in table: String? = nil, _ function: @escaping LuaHostFunction) {
    guard let table else {
      pushFunction(name, function)
      lua_setglobal(L, name)
      return
    }
    terun_pushglobaltable(L)
    lua_pushstring(L, table)
    lua_rawget(L, -2)
    if terun_istable(L, -1) == 0 {
      pop()
      terun_newtable(L)
      lua_pushstring(L, table)
      lua_pushvalue(L, -2)
      lua_rawset(L, -4)
    }
    lua_pushstring(L, name)
    pushFunction("\(table).\(name)", function)
    lua_rawset(L, -3)
    pop(2)
  }

  // MARK: Load and call

  /// Compiles a text chunk (binary chunks are refused). `chunkName` is what errors show,
  /// e.g. `hello.lua` gives `hello.lua:12: ...`. Returns the chunk as a function.
  /// A name that would read as terun's own Lua (`te/x.lua`) gets a `./` (see ``InternalChunk``).
  public func load(source: [UInt8], chunkName: String) throws -> LuaValue {
    // Lua's convention: "@file" names a file, "=text" is shown as is.
    let name = chunkName.hasPrefix("=") || chunkName.hasPrefix("@") ? chunkName : "@" + chunkName
    return try load(bytes: source, name: InternalChunk.userChunkName(name))
  }

  /// Compiles a text chunk under `name`, given in Lua's convention (`@file` or `=text`).
  func load(bytes source: [UInt8], name: String) throws -> LuaValue {
    let chunkName = String(name.dropFirst())
    let status = source.withUnsafeBufferPointer { buf in
      buf.baseAddress.map { base in
        base.withMemoryRebound(to: CChar.self, capacity: buf.count) {
          luaL_loadbufferx(L, $0, buf.count, name, "t")
        }
      } ?? luaL_loadbufferx(L, "", 0, name, "t")
    }
    if status != terun_ok() {
      let message = LuaStack(L: L, core: core).bytes(at: -1)
      pop()
      let text = String(decoding: message, as: UTF8.self)
      if status == LUA_ERRMEM {
        throw LuaError(kind: .memoryLimit, message: "memory limit reached while loading \(chunkName)")
      }
      if text.contains("attempt to load a binary chunk") {
        throw LuaError(kind: .sandboxViolation, message: "\(chunkName): binary chunks are not allowed")
      }
      throw LuaError(kind: .syntax, message: text)
    }
    defer { pop() }
    return try value(at: -1)
  }

  /// Compiles a text chunk given as a Swift string.
  public func load(source: String, chunkName: String) throws -> LuaValue {
    try load(source: Array(source.utf8), chunkName: chunkName)
  }

  /// After the call a sandbox violation stopped has returned: clears the violation so that the
  /// state runs again, and returns its message; nil (and nothing changes) when no violation
  /// stopped the state. For a caller that keeps one state across statements (the REPL): the
  /// refused statement has unwound, so the state is consistent and its globals are kept.
  public func clearSandboxViolation() -> String? {
    guard terun_clear_violation(L) != 0 else { return nil }
    defer { violationMessage = nil }
    return violationMessage ?? "sandbox violation"
  }

  /// Calls a Lua function (or callable value) in protected mode and returns its results.
  /// Errors, limits and kills are thrown as `LuaError`.
  public func call(_ function: LuaValue, _ arguments: [LuaValue] = []) throws -> [LuaValue] {
    try call(function, arguments, on: L)
  }

  /// Loads and runs a chunk.
  public func run(source: String, chunkName: String, arguments: [LuaValue] = []) throws -> [LuaValue] {
    try call(try load(source: source, chunkName: chunkName), arguments)
  }

  func call(_ function: LuaValue, _ arguments: [LuaValue], on thread: OpaquePointer) throws -> [LuaValue] {
    try checkKilled()
    let stack = LuaStack(L: thread, core: core)
    try stack.ensure(Int32(clamping: arguments.count + 3))
    let base = lua_gettop(thread)
    lua_pushcclosure(thread, terun_message_handler, 0)
    try stack.push(function)
    for argument in arguments { try stack.push(argument) }
    terun_leave_host(thread)
    let status = terun_pcall(thread, Int32(arguments.count), LUA_MULTRET, base + 1)
    terun_enter_host(thread)
    defer { lua_settop(thread, base) }
    try checkKilled()
    if status != terun_ok() {
      let failure = error(status: status, on: thread)
      // Formatting the error runs the error object's __tostring, which a limit may stop.
      try checkKilled()
      throw failure
    }
    var results: [LuaValue] = []
    let top = lua_gettop(thread)
    if top > base + 1 {
      for i in (base + 2)...top { results.append(try stack.value(at: i)) }
    }
    return results
  }

  /// Throws the error that stopped the run, if it was killed.
  func checkKilled() throws {
    switch Int(terun_kill_reason(L)) {
    case Int(TERUN_KILL_NONE): return
    case Int(TERUN_KILL_INSTRUCTIONS):
      throw LuaError(
        kind: .instructionLimit, message: "instruction limit exceeded (\(instructionsUsed) used)")
    case Int(TERUN_KILL_TIMEOUT):
      throw LuaError(kind: .timeout, message: "timeout: the run took longer than its wall-clock limit")
    case Int(TERUN_KILL_MEMORY):
      throw LuaError(
        kind: .memoryLimit, message: "memory limit exceeded (limit \(terun_memory_limit(L)) bytes)")
    default:
      throw LuaError(kind: .sandboxViolation, message: violationMessage ?? "sandbox violation")
    }
  }

  private func error(status: Int32, on thread: OpaquePointer) -> LuaError {
    let stack = LuaStack(L: thread, core: core)
    if status == LUA_ERRMEM {
      return LuaError(
        kind: .memoryLimit, message: "memory limit exceeded (limit \(terun_memory_limit(L)) bytes)")
    }
    if lua_type(thread, -1) == LUA_TSTRING {
      let full = String(decoding: stack.bytes(at: -1), as: UTF8.self)
      let parts = full.components(separatedBy: "\nstack traceback:\n")
      let message = parts[0]
      let traceback = parts.count > 1 ? "stack traceback:\n" + parts.dropFirst().joined() : ""
      return LuaError(kind: .runtime, message: message, traceback: traceback)
    }
    let value = (try? stack.value(at: -1)) ?? .nil
    var message = "(error object is a \(value.typeName) value)"
    if luaL_getmetafield(thread, -1, "__tostring") != LUA_TNIL {
      // Call __tostring protected: it is Lua code and may raise.
      lua_pushvalue(thread, -2)
      terun_leave_host(thread)
      let status = terun_pcall(thread, 1, 1, 0)
      terun_enter_host(thread)
      if status == terun_ok(), lua_type(thread, -1) == LUA_TSTRING {
        message = String(decoding: stack.bytes(at: -1), as: UTF8.self)
      }
      pop(on: thread)
    }
    lua_getfield(thread, terun_registryindex(), "terun.traceback")
    let traceback =
      lua_type(thread, -1) == LUA_TSTRING ? String(decoding: stack.bytes(at: -1), as: UTF8.self) : ""
    pop(on: thread)
    lua_pushnil(thread)
    lua_setfield(thread, terun_registryindex(), "terun.traceback")
    let location = traceback.split(separator: "\n").dropFirst().lazy
      .map { $0.trimmingCharacters(in: .whitespaces) }
      .first { !$0.hasPrefix("[C]") && !InternalChunk.isInternal($0) }
      .flatMap { LuaError.location(in: String($0)) }
    return LuaError(kind: .runtime, message: message, location: location, traceback: traceback, value: value)
  }

  private func pop(on thread: OpaquePointer) { terun_pop(thread, 1) }

  // MARK: Raising from host functions

  /// Pushes the error value for `error` on `thread` and returns TERUN_HOST_RAISE.
  func pushError(_ error: Error, on thread: OpaquePointer) -> Int32 {
    let stack = LuaStack(L: thread, core: core)
    _ = lua_checkstack(thread, 4)
    switch error {
    case let violation as LuaSandboxViolation:
      violationMessage = violationMessage ?? violation.message
      terun_kill(L, Int32(TERUN_KILL_VIOLATION))
      terun_push_kill_sentinel(thread)
    case let structured as LuaErrorValue:
      var fields = structured.fields
      fields["message"] = .text(structured.message)
      (try? stack.push(.table(LuaTable(fields: fields)))) ?? lua_pushnil(thread)
      pushErrorMetatable(on: thread)
      lua_setmetatable(thread, -2)
    case let luaError as LuaError:
      // An error from a nested call: raise it again as it was.
      if luaError.kind.isLimitOrSandbox {
        terun_push_kill_sentinel(thread)
      } else if let value = luaError.value {
        if (try? stack.push(value)) == nil { lua_pushstring(thread, luaError.message) }
      } else {
        lua_pushstring(thread, luaError.message)
      }
    default:
      let message = (error as? LuaScriptError)?.message ?? String(describing: error)
      luaL_where(thread, 1)
      lua_pushstring(thread, message)
      lua_concat(thread, 2)
    }
    return TERUN_HOST_RAISE
  }

  /// The shared metatable of structured errors: `__tostring` returns the `message` field.
  private func pushErrorMetatable(on thread: OpaquePointer) {
    if terun_getmetatable_named(thread, "terun.error") != LUA_TNIL { return }
    pop(on: thread)
    luaL_newmetatable(thread, "terun.error")
    lua_pushstring(thread, "__tostring")
    pushFunction("tostring") { context in
      guard lua_type(context.L, 1) == LUA_TTABLE else { return 0 }
      lua_pushstring(context.L, "message")
      lua_rawget(context.L, 1)
      return 1
    }
    if thread != L { lua_xmove(L, thread, 1) }
    lua_rawset(thread, -3)
    lua_pushstring(thread, "__metatable")
    lua_pushstring(thread, "terun.error")
    lua_rawset(thread, -3)
  }
}

/// Stops a running state from another thread (the watchdog's tool).
public struct LuaKillSwitch: @unchecked Sendable {
  let handle: UnsafeMutableRawPointer

  /// Why a run is stopped.
  public enum Reason: Sendable {
    case timeout
    case instructionLimit
    case memoryLimit
  }

  /// Why the run was stopped, or nil while it runs (thread-safe).
  public var reason: LuaError.Kind? {
    switch Int(terun_kill_reason_with_handle(handle)) {
    case Int(TERUN_KILL_NONE): return nil
    case Int(TERUN_KILL_INSTRUCTIONS): return .instructionLimit
    case Int(TERUN_KILL_TIMEOUT): return .timeout
    case Int(TERUN_KILL_MEMORY): return .memoryLimit
    default: return .sandboxViolation
    }
  }

  /// Whether the host is running Lua on the state (inside a protected call) (thread-safe).
  public var isRunning: Bool { terun_running_with_handle(handle) != 0 }

  /// Asks the running code to stop; it fails at its next hook tick or host-function return.
  public func kill(_ reason: Reason) {
    let code: Int32
    switch reason {
    case .timeout: code = Int32(TERUN_KILL_TIMEOUT)
    case .instructionLimit: code = Int32(TERUN_KILL_INSTRUCTIONS)
    case .memoryLimit: code = Int32(TERUN_KILL_MEMORY)
    }
    terun_kill_with_handle(handle, code)
  }
}
