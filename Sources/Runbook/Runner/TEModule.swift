import CLuaBridge
import LuaHost

/// Adds functions to the `te` table of a run. The runner calls every installer once per run,
/// after the core fields (`params`, `log`, `fs`, `json`, `dry_run`) are in place and before the
/// runbook runs, on the run's Lua thread.
///
/// The ThousandEyes API functions (`te.tests`, `te.agents`, ...) are installed this way.
public protocol TEModuleInstaller {
  /// Installs fields into `module` for the run described by `context`.
  func install(into module: TEModule, context: RunContext) throws
}

/// What an installer knows about the run it installs into.
public final class RunContext {
  /// The run's configuration.
  public let configuration: RunConfiguration
  /// The `te.log` logger (stderr, with time and level).
  public let logger: RunLogger
  /// The output sink (stdout buffer and stderr).
  public let sink: OutputSink
  /// The files the run opened with `te.fs.open`; the runner aborts those left open.
  public let fileWriters = OpenFileWriters()
  /// The run's failed items (`te.fail_count`) and files written.
  let tally = RunTally()

  init(configuration: RunConfiguration, logger: RunLogger, sink: OutputSink) {
    self.configuration = configuration
    self.logger = logger
    self.sink = sink
  }

  /// Whether the run is a dry run.
  public var isDryRun: Bool { configuration.dryRun }
}

/// The `te` table of one run, for installers. All operations are raw (no metamethods).
public final class TEModule {
  /// The run's Lua state.
  public let state: LuaState
  private let reference: Int32

  init(state: LuaState) {
    self.state = state
    let L = state.L
    terun_newtable(L)
    reference = luaL_ref(L, terun_registryindex())
  }

  deinit { luaL_unref(state.L, terun_registryindex(), reference) }

  /// Pushes the `te` table onto the main thread's stack.
  public func push() {
    lua_rawgeti(state.L, terun_registryindex(), lua_Integer(reference))
  }

  /// Sets `te[key] = value`.
  public func set(_ key: String, _ value: LuaValue) throws {
    try set(path: key) { try state.push(value) }
  }

  /// Sets `te[key]` to a Swift function. A dotted key (`"tests.get"`) creates the intermediate
  /// tables (`te.tests`) as needed.
  public func setFunction(_ key: String, _ function: @escaping LuaHostFunction) {
    try! set(path: key) { state.pushFunction("te." + key, function) }
  }

  /// Sets `te[path]` to the value `pushValue` pushes; intermediate tables are created.
  /// `pushValue` must push exactly one value.
  public func set(path: String, pushValue: () throws -> Void) throws {
    let L = state.L
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    push()
    let parts = path.split(separator: ".").map(String.init)
    for part in parts.dropLast() {
      lua_pushstring(L, part)
      lua_rawget(L, -2)
      if terun_istable(L, -1) == 0 {
        terun_pop(L, 1)
        terun_newtable(L)
        lua_pushstring(L, part)
        lua_pushvalue(L, -2)
        lua_rawset(L, -4)
      }
    }
    lua_pushstring(L, parts.last ?? path)
    try pushValue()
    lua_rawset(L, -3)
  }

  /// Runs `body` with the `te` table pushed; `body` gets its absolute stack index. The stack is
  /// restored afterwards.
  public func withTable<T>(_ body: (OpaquePointer, Int32) throws -> T) rethrows -> T {
    let L = state.L
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    push()
    return try body(L, lua_gettop(L))
  }
}
