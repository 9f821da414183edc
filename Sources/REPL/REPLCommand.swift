/// The REPL's own commands, typed at the start of a line.
public enum REPLCommand: Equatable, Sendable {
  case help
  case plan
  case apply
  case load(path: String, parameters: [String])
  case quit

  /// The names Tab completes.
  public static let names = [":help", ":plan", ":apply", ":load", ":quit"]

  /// What `:help` prints.
  public static let helpText = """
    Type Lua statements or expressions; an expression prints its value. `te`, the stdlib
    (require) and the sandbox are those of a runbook. A statement that is not finished
    continues on the next line (prompt >>).

    Commands:
      :help                      this text
      :plan                      the dry-run plan so far (with --dry-run)
      :apply                     apply that plan, then start an empty one
      :load FILE [key=value ...] run a runbook in the session (its globals stay)
      :quit                      leave (also Ctrl-D)

    Keys: Tab completes globals, te.* and fields of tables you hold; Ctrl-C cancels the line
    or stops the running statement; Ctrl-D leaves. History is kept in ~/.terun_history.
    """

  /// Parses a line starting with `:`. Throws ``REPLCommandError`` for an unknown command or
  /// missing argument.
  public static func parse(_ line: String) throws(REPLCommandError) -> REPLCommand {
    let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    guard let name = words.first else { throw REPLCommandError("empty command (try :help)") }
    switch name {
    case ":help", ":h", ":?": return .help
    case ":plan": return .plan
    case ":apply": return .apply
    case ":quit", ":q", ":exit": return .quit
    case ":load":
      guard words.count >= 2 else { throw REPLCommandError(":load needs a file: :load FILE [key=value ...]") }
      return .load(path: words[1], parameters: Array(words.dropFirst(2)))
    default:
      throw REPLCommandError("unknown command \(name) (try :help)")
    }
  }
}

/// A REPL command that cannot be parsed.
public struct REPLCommandError: Error, Equatable, CustomStringConvertible {
  /// What the REPL prints.
  public let description: String

  init(_ description: String) { self.description = description }
}
