import Dispatch
import Foundation
import LuaHost

/// Runs one runbook in a fresh sandboxed Lua state on a dedicated thread.
///
/// The Lua code never runs on a Swift concurrency thread: `te` API calls block the run's thread
/// while their HTTP requests run on the event loop.
public final class RunbookRunner: @unchecked Sendable {
  /// The run's configuration.
  public let configuration: RunConfiguration
  private let sink: OutputSink
  private let installers: [any TEModuleInstaller]

  /// The stack size of the run's thread: deep Lua recursion through C functions needs room.
  static let threadStackSize = 64 << 20

  /// Creates a runner. `installers` add to the `te` table after the core fields.
  public init(
    configuration: RunConfiguration, sink: OutputSink, installers: [any TEModuleInstaller] = []
  ) {
    self.configuration = configuration
    self.sink = sink
    self.installers = installers
  }

  /// Runs the runbook on its own thread and waits for it. Throws a `CommandFailure` carrying
  /// the exit status: 1 for script errors, 2 for `te.usage_error`, 3 for limits and sandbox
  /// violations. A run that ends normally returns its outcome: a caller ends with
  /// `outcome.check()` once it has shown what it shows (the plan of a dry run), so that failed
  /// items (`te.fail_count`) give exit 1 after the summary.
  @discardableResult
  public func run() async throws -> RunOutcome {
    let result: Result<RunOutcome, any Error> = await withCheckedContinuation { continuation in
      let thread = Thread { [self] in
        continuation.resume(returning: Result { try self.runOnCurrentThread() })
      }
      thread.name = "terun-lua"
      thread.stackSize = Self.threadStackSize
      thread.start()
    }
    return try result.get()
  }

  /// Runs the runbook on the calling thread (which must not be a Swift concurrency thread).
  /// Returns the outcome as ``run()`` does.
  @discardableResult
  public func runOnCurrentThread() throws -> RunOutcome {
    defer { sink.flush() }
    let limits = configuration.limits
    do {
      let (state, context) = try makeRun()
      defer { state.stopWatchdog() }
      state.armBackstop(grace: Self.backstopGrace) { [sink] kind in
        Self.abandon(stoppedBy: kind, limits: limits, sink: sink)
      }
      do {
        _ = try state.call(try configuration.source.compile(in: state))
      } catch {
        // A failed run writes nothing: writers left open are discarded.
        context.fileWriters.abortAll()
        throw error
      }
      for path in context.fileWriters.abortAll() {
        context.logger.log(.warn, "te.fs.open('\(path)'): never closed; nothing was written")
        context.tally.filesWritten.removeAll { $0 == path }
      }
      return context.tally.outcome
    } catch let error as LuaError {
      throw CommandFailure(error, limits: limits, verbose: configuration.logThreshold == .debug)
    }
  }

  /// Seconds a run stopped by a limit may take to end before the backstop ends the process.
  public static let backstopGrace = 1.5

  /// The backstop's end of a run that a limit stopped but that did not end (Lua running with
  /// hooks off, a long C call): its thread cannot be stopped or reused, so the output written
  /// so far is flushed, the limit's message printed, and the process ends with exit 3.
  public static func abandon(stoppedBy kind: LuaError.Kind, limits: RunLimits, sink: OutputSink) -> Never {
    // Flush on the side: a stdout nobody reads must not keep the process alive.
    let flushed = DispatchSemaphore(value: 0)
    Thread {
      sink.flush()
      flushed.signal()
    }.start()
    _ = flushed.wait(timeout: .now() + 0.3)
    let failure = CommandFailure(LuaError(kind: kind, message: "sandbox violation"), limits: limits)
    FileHandle.standardError.write(Data("terun: \(failure.message)\n".utf8))
    _exit(failure.exitStatus.rawValue)
  }

  /// Makes the run's sandboxed state with the global `te` installed (core fields, then the
  /// installers), ready to run chunks on the calling thread. The REPL keeps one for a session.
  /// Throws `LuaError`; the watchdog (if the configuration has a timeout) is already running.
  public func makeState() throws -> LuaState {
    try makeRun().state
  }

  /// As ``makeState()``, also returning the state's `te.fs.open` writers, so that a caller
  /// that keeps the state (the REPL) can abort the ones left open when it is done.
  public func makeStateAndWriters() throws -> (state: LuaState, fileWriters: OpenFileWriters) {
    let (state, context) = try makeRun()
    return (state, context.fileWriters)
  }

  /// Makes the run's state (as `makeState`) and the context its installers saw.
  func makeRun() throws -> (state: LuaState, context: RunContext) {
    let logger = RunLogger(sink: sink, threshold: configuration.logThreshold)
    let context = RunContext(configuration: configuration, logger: logger, sink: sink)
    let state = try LuaState.sandboxed(sandboxOptions)
    let module = TEModule(state: state)
    try installCore(into: module, context: context)
    for installer in installers {
      try installer.install(into: module, context: context)
    }
    try state.setGlobal("te", module.value)
    return (state, context)
  }

  /// The sandbox for this run: limits, watchdog, and `require` searching the runbook's folder,
  /// `TERUN_PATH`, then the built-in stdlib.
  var sandboxOptions: LuaSandboxOptions {
    let limits = configuration.limits
    var options = LuaSandboxOptions(
      limits: LuaLimits(maxMemory: limits.maxMemory.bytes, maxInstructions: limits.maxInstructions ?? 0),
      timeout: limits.timeout?.seconds,
      requirePaths: (configuration.source.folder.map { [$0] } ?? []) + configuration.searchPath,
      builtinModules: BuiltinLibrary.modules)
    options.deniedFiles = configuration.client?.tokenFile.map { [$0] } ?? []
    return options
  }

  /// Installs `te.params`, `te.dry_run`, `te.mode`, `te.json`, `te.yaml`, `te.spec`, `te.fs`, `te.csv`, `te.log`,
  /// `te.fail`, `te.usage_error`, `te.fail_count`, and the globals `print`
  /// and `runbook`.
  private func installCore(into module: TEModule, context: RunContext) throws {
    let state = module.state
    try module.set("params", try parameters(state))
    try module.set("dry_run", .boolean(configuration.dryRun))
    try module.set("mode", .text(configuration.mode.rawValue))
    try LuaJSON.install(into: module.value, of: state)
    YAMLModule.install(into: module)
    TESpecModule.install(into: module)
    try installFileSystem(into: module, context: context)
    installOutcome(into: module, tally: context.tally)
    // te.csv.format_row: csv.format_row in C (stdlib/csv.lua uses it when present).
    try module.set("csv.format_row", state.csvFormatRowFunction())

    let sink = self.sink
    let logger = context.logger
    let write = state.function("print") { call in
      try call.withBytes(1) { sink.writeOutput($0) }
      return 0
    }
    let emit = state.function("te.log") { call in
      let level = LogLevel.allCases.first { $0.name == (try? call.string(1)) } ?? .info
      logger.log(level, try call.string(2))
      return 0
    }
    var enabled = LuaTable()
    for level in LogLevel.allCases { enabled.fields[level.name] = .boolean(logger.isEnabled(level)) }
    let base = try ["tostring", "select", "pcall", "error", "type"].map { try state.global($0) }
    let table = try state.global("table")
    let string = try state.global("string")
    // Where `runbook { ... }` is accepted (see terun/prelude.lua).
    let headerRule =
      configuration.acceptsRepeatedHeaders ? "any" : configuration.header.line != nil ? "first" : "none"
    let prelude = try Prelude.load(into: state)
    let results = try state.call(
      prelude,
      [
        write, emit, .table(enabled), .text(headerRule), base[0], base[1],
        table["concat"], string["format"], base[2], base[3], base[4],
      ])
    guard results.count == 3 else {
      throw LuaError(kind: .runtime, message: "terun: the prelude returned \(results.count) values")
    }
    try state.setGlobal("print", results[0])
    try module.set("log", results[1])
    try state.setGlobal("runbook", results[2])
  }

  /// `te.params`: integers stay integers, lists are arrays marked as JSON arrays.
  private func parameters(_ state: LuaState) throws -> LuaValue {
    var fields: [String: LuaValue] = [:]
    for (name, value) in configuration.parameters {
      switch value {
      case .string(let text), .path(let text): fields[name] = .text(text)
      case .integer(let number): fields[name] = .integer(number)
      case .number(let number): fields[name] = .number(number)
      case .boolean(let flag): fields[name] = .boolean(flag)
      case .list(let items): fields[name] = try LuaJSON.array(items.map { .text($0) }, in: state)
      }
    }
    return .table(LuaTable(fields: fields))
  }
}

extension LogLevel {
  /// The level's name in `te.log` ("debug").
  var name: String { label.lowercased() }
}
