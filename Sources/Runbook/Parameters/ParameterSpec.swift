/// The type of a runbook parameter, as declared in its header (`type = "integer"`).
public enum ParameterType: Sendable, Equatable {
  case string
  case integer
  case number
  case boolean
  /// An input file the runbook may read; it must exist.
  case path
  /// One of a fixed set of values.
  case enumeration([String])
  /// Comma-separated values; the runbook gets an array of strings.
  case list
  /// A length of time such as `30m`, `24h`, `7d` or `1h30m`; the runbook gets whole seconds.
  case duration
  /// An ISO 8601 date-time (`2026-11-27T03:00:00Z`, `2026-11-27T05:00+02:00`, `2026-11-27`);
  /// the runbook gets it in UTC as `2026-11-27T03:00:00Z`.
  case datetime

  /// The name used in headers and messages ("integer", "enum").
  public var name: String {
    switch self {
    case .string: return "string"
    case .integer: return "integer"
    case .number: return "number"
    case .boolean: return "boolean"
    case .path: return "path"
    case .enumeration: return "enum"
    case .list: return "list"
    case .duration: return "duration"
    case .datetime: return "datetime"
    }
  }

  /// What a value must look like, for usage messages ("an integer", "one of csv, json").
  public var expectation: String {
    switch self {
    case .string: return "a string"
    case .integer: return "an integer"
    case .number: return "a number"
    case .boolean: return "a boolean (true or false)"
    case .path: return "a path to an existing file"
    case .enumeration(let values): return "one of " + values.joined(separator: ", ")
    case .list: return "a comma-separated list"
    case .duration: return "a duration such as 30m, 24h or 7d"
    case .datetime: return "an ISO 8601 date-time such as 2026-11-27T03:00:00Z"
    }
  }

  /// The type's display in a parameter table ("enum(csv|ips|json)").
  public var display: String {
    if case .enumeration(let values) = self { return "enum(" + values.joined(separator: "|") + ")" }
    return name
  }
}

/// One parameter declared in a runbook header.
public struct ParameterSpec: Sendable, Equatable {
  /// The parameter's name, used as `name=value` and as the key in `te.params`.
  public let name: String
  /// Its type.
  public let type: ParameterType
  /// Whether the user must give it.
  public let required: Bool
  /// The value used when the user gives none, already converted to `type`.
  public let defaultValue: ParameterValue?
  /// One line of help.
  public let help: String

  /// Creates a parameter declaration.
  public init(
    name: String, type: ParameterType, required: Bool = false, defaultValue: ParameterValue? = nil,
    help: String = ""
  ) {
    self.name = name
    self.type = type
    self.required = required
    self.defaultValue = defaultValue
    self.help = help
  }
}

/// A converted parameter value, as a runbook sees it in `te.params`.
public enum ParameterValue: Sendable, Equatable, CustomStringConvertible {
  case string(String)
  case integer(Int64)
  case number(Double)
  case boolean(Bool)
  /// An input file, as an absolute path.
  case path(String)
  case list([String])

  public var description: String {
    switch self {
    case .string(let value), .path(let value): return value
    case .integer(let value): return String(value)
    case .number(let value): return String(value)
    case .boolean(let value): return value ? "true" : "false"
    case .list(let values): return values.joined(separator: ",")
    }
  }
}
