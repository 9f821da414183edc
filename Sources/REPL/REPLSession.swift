import CREPLSupport
import Dispatch
import Foundation
import LuaHost
import Runbook
import ThousandEyes

/// One REPL session: a sandboxed state with `te` (as a runbook gets it) kept between inputs,
/// the statement logic (expressions print their values, incomplete statements continue), the
/// `:` commands and completion. It reads nothing itself: a driver feeds it lines.
///
/// Use it on one thread (the session's Lua thread); ``interruptRunningStatement()`` may be
/// called from any.
public final class REPLSession {
  /// What feeding a line did.
  public enum Outcome: Equatable, Sendable {
    /// The input was run (or was empty); `succeeded` is false when it failed.
    case ran(succeeded: Bool)
    /// The statement is not finished: the next line continues it (prompt `>>`).
    case needsMore
    /// `:quit`.
    case quit
  }

  /// The chunk name of typed input (errors read `stdin:1: ...`).
  static let chunkName = "=stdin"

  private let configuration: RunConfiguration
  private let client: ThousandEyesClient?
  private let planner: SessionPlanner?
  private let limits: StatementLimits
  private let sink: OutputSink
  private let printer: ValuePrinter
  private let completer = Completer()
  private var state: LuaState
  private var fileWriters: OpenFileWriters
  private var pending: [String] = []

  /// Starts a session for `configuration` (its limits' memory cap applies to the session;
  /// `limits` to each statement). `client` gives `te` the API; in a dry run its writes are
  /// planned for `:plan` and `:apply`.
  public init(
    configuration: RunConfiguration, client: ThousandEyesClient?, limits: StatementLimits,
    sink: OutputSink, printer: ValuePrinter = ValuePrinter()
  ) throws {
    self.configuration = configuration
    self.client = client
    let planner = configuration.dryRun ? client.map { SessionPlanner(client: $0) } : nil
    self.planner = planner
    self.limits = limits
    self.sink = sink
    self.printer = printer
    let made = try Self.makeState(configuration, client: client, planner: planner, sink: sink)
    self.state = made.0
    self.fileWriters = made.1
  }

  private static func makeState(
    _ configuration: RunConfiguration, client: ThousandEyesClient?, planner: SessionPlanner?, sink: OutputSink
  ) throws -> (LuaState, OpenFileWriters) {
    let installers: [any TEModuleInstaller] =
      client.map { [TEAPIInstaller(client: $0, planner: planner)] } ?? []
    // Typed input and :load may use the `runbook { ... }` header form, any number of times.
    var configuration = configuration
    configuration.acceptsRepeatedHeaders = true
    let (state, fileWriters) = try RunbookRunner(
      configuration: configuration, sink: sink, installers: installers
    )
    .makeStateAndWriters()
    state.stopWatchdog()
    // A kill (memory, sandbox) that the state cannot act on ends the session (see
    // RunbookRunner.abandon); the statement's own limits have StatementGuard's backstop.
    let limits = configuration.limits
    state.armBackstop(grace: RunbookRunner.backstopGrace) { kind in
      RunbookRunner.abandon(stoppedBy: kind, limits: limits, sink: sink)
    }
    return (state, fileWriters)
  }

  /// Ends the session's files: every `te.fs.open` writer still open is aborted (nothing is
  /// written) with a warning naming its path, as at the end of a run. The driver calls it
  /// when the session ends.
  public func finish() {
    for path in fileWriters.abortAll() {
      sink.writeDiagnostic("te.fs.open('\(path)'): never closed; nothing was written")
    }
  }

  /// True while a statement is unfinished (the driver shows `>>`).
  public var isContinuing: Bool { !pending.isEmpty }

  /// The session's Lua state (for tests and completion).
  public var luaState: LuaState { state }

  /// Drops an unfinished statement (Ctrl-C at the prompt).
  public func cancelInput() { pending.removeAll() }

  /// Stops the running statement as Ctrl-C does; safe from any thread. Like SIGINT it is
  /// process-wide: it reaches the statement running now (there is one REPL per process).
  public static func interruptRunningStatement() { terun_repl_post_interrupt() }

  /// Completion candidates for `word` (see ``Completer``); `before` is the line's text before
  /// the word, which holds the indexing of `sg[1].pub`.
  public func complete(_ word: String, atLineStart: Bool, before: String = "") -> [String] {
    completer.candidates(for: word, in: state, atLineStart: atLineStart, before: before)
  }

  /// Feeds one line of input.
  public func feed(_ line: String) -> Outcome {
    if pending.isEmpty {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty { return .ran(succeeded: true) }
      if trimmed.hasPrefix(":") { return command(trimmed) }
      // An expression prints its values: try `return <line>` first, as lua.c does.
      if let chunk = try? state.load(source: "return " + line, chunkName: Self.chunkName) {
        return .ran(succeeded: execute(chunk))
      }
    }
    pending.append(line)
    let source = pending.joined(separator: "\n")
    do {
      let chunk = try state.load(source: source, chunkName: Self.chunkName)
      pending.removeAll()
      return .ran(succeeded: execute(chunk))
    } catch let error as LuaError where Self.isIncomplete(error) {
      return .needsMore
    } catch {
      pending.removeAll()
      report(error)
      return .ran(succeeded: false)
    }
  }

  /// Whether a compile error means "the input stopped too early" (Lua's message ends `<eof>`).
  static func isIncomplete(_ error: LuaError) -> Bool {
    error.kind == .syntax && error.message.hasSuffix("<eof>")
  }

  // MARK: Running

  /// Runs a compiled chunk under the statement guard and prints its results or its error.
  /// Returns whether it succeeded.
  @discardableResult
  func execute(
    _ chunk: LuaValue, arguments: [LuaValue] = [], printResults: Bool = true, traceback: Bool = false
  )
    -> Bool
  {
    // A restart (below) replaces `state`: the call's values live on this one.
    let owner = state
    let succeeded: Bool?
    do {
      succeeded = try StatementGuard.run(limits, flushing: sink) { statement in
        try owner.withProtectedCall(chunk, arguments, statement: statement) { result, stop in
          report(
            result, stop: stop.map { StatementStop($0, limits: limits) }, of: owner,
            printResults: printResults, traceback: traceback)
        }
      }
    } catch {
      report(error)
      return false
    }
    guard let succeeded else {
      restartAfterKill()
      return false
    }
    return succeeded
  }

  /// Prints what a statement did: its results, or why it failed; nil when LuaHost stopped the
  /// state for good (the caller restarts it).
  private func report(
    _ result: LuaCallResult, stop: StatementStop?, of owner: LuaState, printResults: Bool, traceback: Bool
  ) -> Bool? {
    sink.flush()
    if let refusal = owner.clearSandboxViolation() {
      // The sandbox refused the statement; the session (its globals) goes on.
      let message = refusal.hasPrefix("sandbox: ") ? refusal : "sandbox: " + refusal
      sink.writeDiagnostic(message + " (statement refused; the session's globals are kept)")
      return false
    }
    if owner.isKilled { return nil }
    if let stop {
      sink.writeDiagnostic(stop.message)
      return false
    }
    switch result {
    case .raised(let error):
      sink.writeDiagnostic(ErrorFormatter.describe(error, printer: printer, traceback: traceback))
      return false
    case .returned(let values):
      if printResults && !values.isEmpty {
        let rendered = values.map { printer.render($0) }
        let separator = rendered.contains { $0.contains("\n") } ? "\n" : "\t"
        sink.writeOutput(Array((rendered.joined(separator: separator) + "\n").utf8))
        sink.flush()
      }
      return true
    }
  }

  /// LuaHost stopped the state for good (memory limit): say why and start a fresh state. The
  /// dry-run plan is kept; globals are not. (A sandbox violation only refuses the statement.)
  private func restartAfterKill() {
    var reason = "the session's Lua state was stopped"
    do {
      _ = try state.call(.nil)  // reports the kill reason with LuaHost's message
    } catch {
      reason = "\(error)"
    }
    sink.writeDiagnostic(reason)
    do {
      let made = try Self.makeState(configuration, client: client, planner: planner, sink: sink)
      finish()
      state = made.0
      fileWriters = made.1
      sink.writeDiagnostic("started a fresh Lua state: earlier globals are gone")
    } catch {
      sink.writeDiagnostic("cannot start a fresh Lua state: \(error)")
    }
  }

  func report(_ error: Error) {
    if let luaError = error as? LuaError {
      sink.writeDiagnostic(luaError.message)
    } else {
      sink.writeDiagnostic("\(error)")
    }
  }

  // MARK: Commands

  private func command(_ line: String) -> Outcome {
    let parsed: REPLCommand
    do {
      parsed = try REPLCommand.parse(line)
    } catch {
      sink.writeDiagnostic(error.description)
      return .ran(succeeded: false)
    }
    switch parsed {
    case .help:
      sink.writeOutput(Array((REPLCommand.helpText + "\n").utf8))
      sink.flush()
      return .ran(succeeded: true)
    case .quit:
      return .quit
    case .plan:
      return .ran(succeeded: showPlan())
    case .apply:
      return .ran(succeeded: applyPlan())
    case .load(let path, let parameters):
      return .ran(succeeded: load(path, parameters: parameters))
    }
  }

  private func showPlan() -> Bool {
    guard let planner else {
      sink.writeDiagnostic(":plan needs a dry-run session: start it with terun repl --dry-run")
      return false
    }
    let plan = planner.plan
    let text = plan.hasChanges ? PlanRenderer.render(plan, color: false) : "No changes planned."
    sink.writeOutput(Array((text.hasSuffix("\n") ? text : text + "\n").utf8))
    sink.flush()
    return true
  }

  private func applyPlan() -> Bool {
    guard let planner, let client else {
      sink.writeDiagnostic(":apply needs a dry-run session: start it with terun repl --dry-run")
      return false
    }
    let plan = planner.plan
    guard plan.hasChanges else {
      sink.writeOutput(Array("No changes to apply.\n".utf8))
      sink.flush()
      return true
    }
    let sink = self.sink
    let result = Blocking.wait {
      try await PlanApplier(client: client, report: { sink.writeDiagnostic($0) }).apply(plan)
    }
    switch result {
    case .success(let steps):
      planner.reset()
      sink.writeOutput(Array("Applied \(steps.count) of \(plan.writes.count) planned writes.\n".utf8))
      sink.flush()
      return true
    case .failure(let error):
      sink.writeDiagnostic("apply failed: \(error)")
      return false
    }
  }

  /// `:load FILE key=value ...`: binds the runbook's parameters into `te.params` and runs it
  /// in the session, under the statement limits.
  private func load(_ path: String, parameters: [String]) -> Bool {
    let currentDirectory = FileManager.default.currentDirectoryPath
    do {
      let source = try RunbookLocator.locate(
        path, searchPath: configuration.searchPath, currentDirectory: currentDirectory)
      let header = try RunbookHeader.parse(source: source.bytes, file: source.displayName)
      let values = try ParameterBinder.bind(parameters, to: header, relativeTo: currentDirectory)
      try setParameters(values)
      let chunk = try state.load(source: source.bytes, chunkName: source.displayName)
      return execute(chunk, printResults: false, traceback: true)
    } catch {
      if let failure = error as? any TerunFailure {
        sink.writeDiagnostic(failure.message)
      } else {
        report(error)
      }
      return false
    }
  }

  /// Sets `te.params` (raw) to `values`.
  private func setParameters(_ values: [String: ParameterValue]) throws {
    var fields: [String: LuaValue] = [:]
    for (name, value) in values {
      switch value {
      case .string(let text), .path(let text): fields[name] = .text(text)
      case .integer(let number): fields[name] = .integer(number)
      case .number(let number): fields[name] = .number(number)
      case .boolean(let flag): fields[name] = .boolean(flag)
      case .list(let items): fields[name] = .table(LuaTable(array: items.map { .text($0) }))
      }
    }
    try state.setField("params", of: "te", to: .table(LuaTable(fields: fields)))
  }
}

/// Runs async work from the session's thread (never a Swift concurrency thread) and waits.
enum Blocking {
  private final class Box<T>: @unchecked Sendable {
    var result: Result<T, Error>?
  }

  static func wait<T>(_ work: @escaping @Sendable () async throws -> T) -> Result<T, Error> {
    let semaphore = DispatchSemaphore(value: 0)
    let box = Box<T>()
    Task {
      do {
        box.result = .success(try await work())
      } catch {
        box.result = .failure(error)
      }
      semaphore.signal()
    }
    semaphore.wait()
    return box.result!
  }
}
