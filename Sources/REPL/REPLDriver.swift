import CREPLSupport
import Foundation
import Runbook

/// Drives a ``REPLSession`` from the terminal or from piped input, on a dedicated thread.
///
/// - With a terminal on stdin: prompts `> ` and `>> `, line editing, history in
///   `historyPath`, Tab completion; Ctrl-C drops the line or stops the running statement;
///   Ctrl-D or `:quit` leaves.
/// - Without one: lines are read from stdin with no prompts and no escape codes; the
///   statement logic is the same. The exit status is 1 if a statement failed.
public final class REPLDriver: @unchecked Sendable {
  private let makeSession: () throws -> REPLSession
  private let interactive: Bool
  private let historyPath: String?
  private let sink: OutputSink

  /// Makes a driver. `makeSession` runs on the REPL's thread.
  public init(
    interactive: Bool, historyPath: String?, sink: OutputSink, makeSession: @escaping () throws -> REPLSession
  ) {
    self.interactive = interactive
    self.historyPath = historyPath
    self.sink = sink
    self.makeSession = makeSession
  }

  /// The history file: `~/.terun_history` (HOME from the environment), or nil without HOME.
  public static func defaultHistoryPath(environment: [String: String] = ProcessInfo.processInfo.environment)
    -> String?
  {
    guard let home = environment["HOME"], !home.isEmpty else { return nil }
    return (home as NSString).appendingPathComponent(".terun_history")
  }

  /// Runs the REPL until `:quit` or the end of input and returns the exit status.
  public func run() async -> Int32 {
    await withCheckedContinuation { continuation in
      let thread = Thread { [self] in continuation.resume(returning: self.runOnCurrentThread()) }
      thread.name = "terun-repl"
      thread.stackSize = 64 << 20
      thread.start()
    }
  }

  /// Runs the REPL on the calling thread (not a Swift concurrency thread).
  public func runOnCurrentThread() -> Int32 {
    let session: REPLSession
    do {
      session = try makeSession()
    } catch {
      sink.writeDiagnostic("terun: cannot start the REPL: \(error)")
      return ExitStatus.runbookError.rawValue
    }
    _ = terun_repl_install_sigint()
    defer { terun_repl_restore_sigint() }
    defer { session.finish() }
    return interactive ? runInteractive(session) : runPiped(session)
  }

  private func runInteractive(_ session: REPLSession) -> Int32 {
    let editor = LineEditor(historyPath: historyPath) { word, atLineStart, before in
      session.complete(word, atLineStart: atLineStart, before: before)
    }
    defer { editor.save() }
    sink.writeDiagnostic("terun REPL: Lua 5.4 with te. :help for help, Ctrl-D to leave.")
    while true {
      switch editor.read(prompt: session.isContinuing ? ">> " : "> ") {
      case .interrupted:
        session.cancelInput()
        sink.writeOutput(Array("^C\n".utf8))
        sink.flush()
      case .endOfInput:
        sink.writeOutput(Array("\n".utf8))
        sink.flush()
        return ExitStatus.ok.rawValue
      case .line(let line):
        editor.remember(line)
        if session.feed(line) == .quit { return ExitStatus.ok.rawValue }
      }
    }
  }

  private func runPiped(_ session: REPLSession) -> Int32 {
    var failed = false
    while let line = readLine(strippingNewline: true) {
      switch session.feed(line) {
      case .quit: return failed ? ExitStatus.runbookError.rawValue : ExitStatus.ok.rawValue
      case .ran(let succeeded): failed = failed || !succeeded
      case .needsMore: continue
      }
    }
    if session.isContinuing {
      sink.writeDiagnostic("stdin: the input ended inside an unfinished statement")
      failed = true
    }
    return failed ? ExitStatus.runbookError.rawValue : ExitStatus.ok.rawValue
  }
}
