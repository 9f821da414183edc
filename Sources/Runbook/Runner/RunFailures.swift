import Foundation
import LuaHost

extension CommandFailure {
  /// The failure for a `LuaError` that ended a run.
  ///
  /// - A user error prints its message alone and exits 1: `error(msg, 0)` (a message with no
  ///   `file:line:`), `te.fail(msg)`, and uncaught network and rate-limit errors.
  /// - `te.usage_error(param, msg)` exits 2.
  /// - An uncaught API error prints `file:line: message`; with status 401 or 403 it exits 4.
  /// - A programming error (any other Lua error) prints `file:line: message` and the traceback.
  /// - Limits and sandbox violations exit 3, each with a message naming the option that set the
  ///   limit.
  ///
  /// With `verbose` (`-v`), every runbook error comes with its traceback. A traceback never
  /// shows terun's own frames (the `te` library, the prelude, C functions).
  public init(_ error: LuaError, limits: RunLimits, verbose: Bool = false) {
    switch error.kind {
    case .runtime where error.isTEMissingToken:
      // No token: one sentence, never an internal frame.
      self.init(.auth, error.message)
    case .runtime, .syntax:
      let report = RunbookErrorReport(error)
      var message = report.message
      if verbose || report.showsTraceback, let traceback = report.traceback {
        message += "\n" + traceback
      }
      self.init(report.status, message)
    case .instructionLimit:
      let budget = limits.maxInstructions.map(String.init) ?? "?"
      self.init(.limitOrSandbox, "instruction limit exceeded (--max-instructions \(budget))")
    case .memoryLimit:
      self.init(.limitOrSandbox, "memory limit exceeded (--max-memory \(limits.maxMemory.spelling))")
    case .timeout:
      var spelling = limits.timeout?.spelling ?? "?"
      if Double(spelling) != nil { spelling += "s" }  // "--timeout 2" means seconds
      self.init(.limitOrSandbox, "timeout after \(spelling) (--timeout)")
    case .sandboxViolation:
      var message = error.message
      if !message.hasPrefix("sandbox: ") { message = "sandbox: " + message }
      self.init(.limitOrSandbox, message)
    }
  }
}

/// How a script or syntax error that ended a run is reported: its exit status, its message
/// without terun's internal locations, whether it is a programming error (shown with its
/// traceback), and the traceback without internal frames.
public struct RunbookErrorReport {
  let status: ExitStatus
  let message: String
  let showsTraceback: Bool
  let traceback: String?

  init(_ error: LuaError) {
    let kind = error.value?["kind"].stringValue
    var message = Self.withoutInternalLocation(error.message)
    var status = ExitStatus.runbookError
    var showsTraceback = false
    switch kind {
    case UserErrorKind.fail.rawValue, "network", "rate_limit", "pagination":
      break
    case UserErrorKind.usage.rawValue:
      status = .usage
    case "api":
      if error.isTEAuthorizationFailure { status = .auth }
      if let location = Self.runbookLocation(error) { message = location + ": " + message }
    case "validation":
      // A write the API would refuse, caught before it was sent: like an API error, the
      // message already names the runbook's line; it is not a programming error.
      break
    default:
      // A string error: `error(msg, 0)` has no location and is a user's message; an error
      // with a location (or a non-string value) is a programming error.
      showsTraceback = error.kind == .runtime && (error.value != nil || error.location != nil)
    }
    self.status = status
    self.message = message
    self.showsTraceback = showsTraceback
    self.traceback = Self.userFrames(error.traceback)
  }

  /// Whether a `file:line` or traceback frame is terun's own: its embedded Lua (the `te`
  /// library, `te/...`, the prelude and the sandbox, `terun/...`; see ``InternalChunk``), or a
  /// C function (`[C]`).
  static func isInternal(_ location: String) -> Bool {
    let text = location.trimmingCharacters(in: .whitespaces)
    return text.hasPrefix("[C]") || InternalChunk.isInternal(text) || text.hasPrefix("(...tail calls...)")
  }

  /// The `file:line` in runbook code where the error was raised: the error's own location
  /// unless it is internal, else the first traceback frame in runbook code.
  static func runbookLocation(_ error: LuaError) -> String? {
    if let location = error.location, !isInternal(location) { return location }
    for frame in error.traceback.split(separator: "\n").dropFirst() {
      let text = frame.trimmingCharacters(in: .whitespaces)
      guard !isInternal(text),
        let match = text.range(of: #"^.+?:[0-9]+(?=:)"#, options: .regularExpression)
      else { continue }
      return String(text[match])
    }
    return nil
  }

  /// The message without a leading internal `file:line: ` (an error raised inside terun's own
  /// Lua code at a level that points at itself).
  static func withoutInternalLocation(_ message: String) -> String {
    guard let match = message.range(of: #"^[^:\n]+:[0-9]+: "#, options: .regularExpression),
      InternalChunk.isInternal(message[match])
    else {
      return message
    }
    return String(message[match.upperBound...])
  }

  /// The traceback's frames in runbook code only, or nil when none is left (the REPL shows
  /// `:load` tracebacks with it too).
  public static func userFrames(_ traceback: String) -> String? {
    let frames = traceback.split(separator: "\n", omittingEmptySubsequences: true)
      .dropFirst()  // "stack traceback:"
      .filter { !isInternal(String($0)) }
    guard !frames.isEmpty else { return nil }
    return (["stack traceback:"] + frames.map(String.init)).joined(separator: "\n")
  }
}
