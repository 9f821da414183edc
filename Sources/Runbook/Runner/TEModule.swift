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
  /// The table itself (a reference), to hand to Lua.
  public let value: LuaValue

  init(state: LuaState) {
    self.state = state
    self.value = state.newTable()
  }

  /// Sets `te[key] = value`. A dotted key (`"csv.format_row"`) creates the intermediate tables
  /// (`te.csv`) as needed.
  public func set(_ key: String, _ value: LuaValue) throws {
    try state.setField(path: key, in: self.value, to: value)
  }

  /// Sets `te[key]` to a Swift function. A dotted key (`"tests.get"`) creates the intermediate
  /// tables (`te.tests`) as needed.
  public func setFunction(_ key: String, _ function: @escaping LuaHostFunction) {
    try! set(key, state.function("te." + key, function))
  }
}
