/// An error from running Lua code, or from a limit or sandbox rule that stopped it.
public struct LuaError: Error, CustomStringConvertible, Sendable {
  /// What kind of failure this is; the CLI maps the limit and sandbox kinds to exit 3.
  public enum Kind: String, Sendable {
    /// A Lua error (including stack overflow and errors raised by host functions).
    case runtime
    /// The chunk did not compile.
    case syntax
    /// The memory cap was reached.
    case memoryLimit
    /// The instruction budget was used up.
    case instructionLimit
    /// The wall-clock timeout passed.
    case timeout
    /// The code tried something the sandbox forbids.
    case sandboxViolation

    /// True for the kinds that mean "limit exceeded or sandbox violation" (exit 3).
    public var isLimitOrSandbox: Bool {
      switch self {
      case .runtime, .syntax: return false
      case .memoryLimit, .instructionLimit, .timeout, .sandboxViolation: return true
      }
    }
  }

  /// The kind of failure.
  public var kind: Kind
  /// The message, starting with `file:line:` when Lua knows where the error happened.
  public var message: String
  /// `file:line` of the error (e.g. `hello.lua:12`), when known.
  public var location: String?
  /// The Lua traceback (`stack traceback:` ...), possibly empty.
  public var traceback: String
  /// The error value when it was not a string (e.g. a structured error table).
  public var value: LuaValue?

  /// Makes an error.
  public init(
    kind: Kind, message: String, location: String? = nil, traceback: String = "", value: LuaValue? = nil
  ) {
    self.kind = kind
    self.message = message
    self.location = location ?? LuaError.location(in: message)
    self.traceback = traceback
    self.value = value
  }

  public var description: String {
    traceback.isEmpty ? message : message + "\n" + traceback
  }

  /// Extracts `file:line` from a message that starts with `file:line:`.
  static func location(in message: String) -> String? {
    var colon = message.startIndex
    while let next = message[colon...].firstIndex(of: ":") {
      let rest = message[message.index(after: next)...]
      let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
      if !digits.isEmpty, rest.dropFirst(digits.count).first == ":" {
        return String(message[..<next]) + ":" + digits
      }
      colon = message.index(after: next)
    }
    return nil
  }
}

/// Throw from a host function to raise a structured Lua error: a table with `fields` plus
/// `message`, whose `tostring` is `message`. Lua code can catch it with `pcall` and read the
/// fields (`err.status`, `err.title`, ...).
public struct LuaErrorValue: Error, Sendable {
  /// The table's fields (for example status, title, detail).
  public var fields: [String: LuaValue]
  /// The text `tostring(err)` returns; also stored as the field `message`.
  public var message: String

  /// Makes a structured error.
  public init(message: String, fields: [String: LuaValue] = [:]) {
    self.message = message
    self.fields = fields
  }
}

/// Throw from a host function when a script tries something the sandbox forbids. The run is
/// stopped for good (`pcall` cannot catch it) and fails with kind `.sandboxViolation`.
public struct LuaSandboxViolation: Error, Sendable, CustomStringConvertible {
  /// What was refused and why.
  public var message: String
  /// Makes a violation.
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// Throw from a host function for a plain Lua error with this message; Lua prefixes the
/// caller's `file:line:`.
public struct LuaScriptError: Error, Sendable, CustomStringConvertible {
  /// The message.
  public var message: String
  /// Makes an error.
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
