import CLuaBridge
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

/// The per-statement guard of a session's state: an instruction budget, a timeout and an
/// interrupt for one statement at a time. Unlike LuaHost's kill switch (permanent for the
/// state), it is cleared after each statement, so a stopped statement leaves the session usable.
final class StatementGuard {
  /// Kept alive by the guard: the hook must be detached before the state closes.
  private let state: LuaState
  private let handle: OpaquePointer

  /// Chains the guard's hook onto `state`'s (LuaHost's limits keep working).
  init(state: LuaState) throws {
    self.state = state
    guard let handle = terun_repl_guard_attach(state.L) else {
      throw LuaError(kind: .memoryLimit, message: "cannot set up the statement guard")
    }
    self.handle = handle
    // A statement blocked in a te request or te.sleep stops on Ctrl-C or its timeout too.
    terun_set_stop_poll(state.L, terun_repl_guard_poll)
  }

  deinit {
    terun_set_stop_poll(state.L, nil)
    terun_repl_guard_detach(state.L, handle)
  }

  /// Runs `body` with the guard armed for `limits`; returns its result and why the guard
  /// stopped it, if it did.
  ///
  /// The timeout has a backstop that does not depend on the count hook: a statement still
  /// running `RunbookRunner.backstopGrace` seconds after its timeout (code that runs with
  /// hooks off, a long C call) cannot be stopped, so `sink` is flushed, the timeout's message
  /// printed and the process ends with exit 3.
  func run<T>(_ limits: StatementLimits, flushing sink: OutputSink? = nil, _ body: () -> T) -> (
    T, StatementStop?
  ) {
    let timeoutNanoseconds = limits.timeout.map { Int64(($0 * 1e9).rounded()) } ?? 0
    terun_repl_guard_begin(handle, limits.maxInstructions ?? 0, timeoutNanoseconds)
    let statement = RunningStatement()
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
    let result = body()
    statement.finish()
    let reason = terun_repl_guard_end(handle)
    switch Int(reason) {
    case Int(TERUN_REPL_STOP_INTERRUPT): return (result, .interrupted)
    case Int(TERUN_REPL_STOP_INSTRUCTIONS): return (result, .instructionLimit(limits.maxInstructions ?? 0))
    case Int(TERUN_REPL_STOP_TIMEOUT): return (result, .timeout(limits.timeout ?? 0))
    default: return (result, nil)
    }
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
