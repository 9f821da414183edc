/// terun's exit codes, the single place where a failure becomes a process status.
///
/// | code | meaning |
/// |------|---------|
/// | 0 | ok |
/// | 1 | runbook error (script error, malformed header) |
/// | 2 | usage error (bad option, missing or ill-typed parameter) |
/// | 3 | limit exceeded or sandbox violation |
/// | 4 | authentication or authorization failure (401/403) |
/// | 5 | plan drift (an object changed since the plan was made) |
public enum ExitStatus: Int32, Sendable, CaseIterable {
  case ok = 0
  case runbookError = 1
  case usage = 2
  case limitOrSandbox = 3
  case auth = 4
  case planDrift = 5

  /// The exit status for `error`: a `TerunFailure` says its own; the parse errors of sizes,
  /// durations and parameters are usage errors; a malformed header is a runbook error; anything
  /// else is a runbook error.
  public static func of(_ error: any Error) -> ExitStatus {
    switch error {
    case let failure as any TerunFailure: return failure.exitStatus
    case is ParameterError, is LimitParseError: return .usage
    case is RunbookHeaderError: return .runbookError
    default: return .runbookError
    }
  }
}

/// An error that knows its exit status and the one message to print for it.
///
/// Layers above LuaHost (the ThousandEyes client's auth errors, the planner's drift errors)
/// conform to this so that `ExitStatus.of(_:)` stays the one mapping.
public protocol TerunFailure: Error {
  /// The process exit status this failure ends with.
  var exitStatus: ExitStatus { get }
  /// The message printed on stderr (after "terun: "), possibly several lines.
  var message: String { get }
}

/// A failure with an explicit status and message.
public struct CommandFailure: TerunFailure, CustomStringConvertible {
  public let exitStatus: ExitStatus
  public let message: String

  /// Creates a failure ending with `status` and printing `message`.
  public init(_ status: ExitStatus, _ message: String) {
    self.exitStatus = status
    self.message = message
  }

  public var description: String { message }
}
