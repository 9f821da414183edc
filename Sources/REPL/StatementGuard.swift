import CREPLSupport
import Foundation
import LuaHost
import Runbook

/// Why the guard stopped a statement.
public enum StatementStop: Equatable, Sendable {
  /// Ctrl-C (SIGINT) or `REPLSession.interruptRunningStatement()`.
  case interrupted
  /// The statement ran out of its instruction budget.
  case instructionLimit(Int64)
  /// The statement ran longer than its timeout.
  case timeout(Double)

  /// What the REPL prints.
  public var message: String {
    switch self {
    case .interrupted: return "interrupted"
    case .instructionLimit(let budget):
      return "instruction limit exceeded: the statement ran more than \(budget) instructions"
    case .timeout(let seconds):
      return "timeout: the statement ran longer than \(ValuePrinter.format(seconds))s"
    }
  }
}

extension StatementStop {
  /// The REPL's reason for LuaHost's `stop` of a statement run under `limits`.
  init(_ stop: LuaStatementStop, limits: StatementLimits) {
    switch stop {
    case .interrupted: self = .interrupted
    case .instructionLimit: self = .instructionLimit(limits.maxInstructions ?? 0)
    case .timeout: self = .timeout(limits.timeout ?? 0)
    }
  }
}

/// The per-statement limits of a session's state: an instruction budget, a timeout and
/// Ctrl-C for one statement at a time. LuaHost enforces them with the state's own hook
/// (``LuaStatementLimits``); unlike its kill switch (permanent for the state), they end with
/// the statement, so a stopped statement leaves the session usable. The guard adds Ctrl-C's
/// flag and the timeout's backstop.
enum StatementGuard {
  /// Runs `body` with the LuaHost limits for `limits` (Ctrl-C included) to run its statement
  /// under.
  ///
  /// The timeout has a backstop that does not depend on the count hook: a statement still
  /// running `RunbookRunner.backstopGrace` seconds after its timeout (code that runs with
  /// hooks off, a long C call) cannot be stopped, so `sink` is flushed, the timeout's message
  /// printed and the process ends with exit 3.
  static func run<T>(
    _ limits: StatementLimits, flushing sink: OutputSink? = nil, _ body: (LuaStatementLimits) throws -> T
  ) rethrows -> T {
    let statement = RunningStatement()
    defer { statement.finish() }
    if let timeout = limits.timeout {
      DispatchQueue.global().asyncAfter(deadline: .now() + timeout + RunbookRunner.backstopGrace) {
        guard statement.abandonIfRunning() else { return }
        sink?.flush()
        let message =
          StatementStop.timeout(timeout).message + "; it could not be stopped, so the session ends"
        FileHandle.standardError.write(Data(("terun: " + message + "\n").utf8))
        _exit(ExitStatus.limitOrSandbox.rawValue)
      }
    }
    return try body(
      LuaStatementLimits(
        maxInstructions: limits.maxInstructions, timeout: limits.timeout,
        interruptFlag: terun_repl_sigint_flag()))
  }
}

/// Whether a statement is still running, for the timeout's backstop (thread-safe).
private final class RunningStatement: @unchecked Sendable {
  private let lock = NSLock()
  private var finished = false

  func finish() {
    lock.lock()
    finished = true
    lock.unlock()
  }

  /// True if the statement has not finished: the backstop ends the process.
  func abandonIfRunning() -> Bool {
    lock.lock()
    defer { lock.unlock() }
    return !finished
  }
}
