import Foundation

/// Converts parameter text (`key=value` arguments) and header defaults to typed values.
public enum ParameterConverter {
  /// Why a value does not fit its type; `reason` reads "expected an integer, got \"abc\"".
  public struct Failure: Error, Equatable {
    /// The explanation, without the parameter's name.
    public let reason: String
  }

  /// Converts the text given on the command line to `type`. Relative paths are resolved against
  /// `directory` and must name an existing regular file.
  public static func convert(
    _ text: String, to type: ParameterType, relativeTo directory: String
  ) throws(Failure) -> ParameterValue {
    func mismatch() -> Failure { Failure(reason: "expected \(type.expectation), got \"\(text)\"") }
    switch type {
    case .string:
      return .string(text)
    case .integer:
      var digits = Substring(text)
      if digits.first == "+" { digits = digits.dropFirst() }
      guard let value = Int64(digits) else { throw mismatch() }
      return .integer(value)
    case .number:
      guard let value = Double(text), value.isFinite, !text.lowercased().hasPrefix("0x") else {
        throw mismatch()
      }
      return .number(value)
    case .boolean:
      switch text.lowercased() {
      case "true", "yes", "on", "1": return .boolean(true)
      case "false", "no", "off", "0": return .boolean(false)
      default: throw mismatch()
      }
    case .path:
      guard !text.isEmpty else { throw mismatch() }
      let absolute =
        text.hasPrefix("/") ? text : (directory as NSString).appendingPathComponent(text)
      let standardized = (absolute as NSString).standardizingPath
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: standardized, isDirectory: &isDirectory) else {
        throw Failure(reason: "file not found: \(text)")
      }
      guard !isDirectory.boolValue else { throw Failure(reason: "expected a file, got the folder \(text)") }
      return .path(standardized)
    case .enumeration(let values):
      guard values.contains(text) else { throw mismatch() }
      return .string(text)
    case .list:
      return .list(splitList(text))
    case .duration:
      return .integer(try durationSeconds(text))
    case .datetime:
      return .string(try ISODateTime.utcText(text))
    }
  }

  /// Whole seconds in a duration (`30m`, `24h`, `7d`, `1h30m`, `90` seconds), at least 1.
  static func durationSeconds(_ text: String) throws(Failure) -> Int64 {
    let expected = "expected \(ParameterType.duration.expectation), got \"\(text)\""
    guard let spec = try? DurationSpec(parsing: text) else { throw Failure(reason: expected) }
    let (seconds, attoseconds) = spec.duration.components
    guard seconds >= 1 else { throw Failure(reason: "\(expected): it must be at least 1s") }
    guard attoseconds == 0 else { throw Failure(reason: "\(expected): it must be whole seconds") }
    return seconds
  }

  /// Converts a default written in a header to `type`. Path defaults are kept as written and
  /// resolved when the runbook runs.
  public static func convertDefault(_ literal: LuaLiteral, for type: ParameterType) throws(Failure)
    -> ParameterValue
  {
    func mismatch() -> Failure { Failure(reason: "expected \(type.expectation), found \(literal.kindName)") }
    switch (type, literal) {
    case (.string, .string(let value)), (.path, .string(let value)):
      return type == .path ? .path(value) : .string(value)
    case (.integer, .integer(let value)):
      return .integer(value)
    case (.integer, .number(let value)):
      guard value.rounded() == value, let exact = Int64(exactly: value) else { throw mismatch() }
      return .integer(exact)
    case (.number, .number(let value)):
      return .number(value)
    case (.number, .integer(let value)):
      return .number(Double(value))
    case (.boolean, .boolean(let value)):
      return .boolean(value)
    case (.enumeration(let values), .string(let value)):
      guard values.contains(value) else { throw Failure(reason: "\"\(value)\" is not \(type.expectation)") }
      return .string(value)
    case (.enumeration(let values), .integer(let value)):
      guard values.contains(String(value)) else {
        throw Failure(reason: "\(value) is not \(type.expectation)")
      }
      return .string(String(value))
    case (.list, .string(let value)):
      return .list(splitList(value))
    case (.duration, .string(let value)):
      return .integer(try durationSeconds(value))
    case (.duration, .integer(let value)):
      guard value >= 1 else { throw Failure(reason: "a duration must be at least 1 second, found \(value)") }
      return .integer(value)
    case (.datetime, .string(let value)):
      return .string(try ISODateTime.utcText(value))
    case (.list, .table(let table)):
      guard table.fields.isEmpty else { throw mismatch() }
      var values: [String] = []
      for item in table.items {
        switch item {
        case .string(let value): values.append(value)
        case .integer(let value): values.append(String(value))
        default: throw Failure(reason: "list items must be strings, found \(item.kindName)")
        }
      }
      return .list(values)
    default:
      throw mismatch()
    }
  }

  /// Splits "a, b,,c" into ["a", "b", "c"]: items are trimmed, empty ones dropped.
  public static func splitList(_ text: String) -> [String] {
    text.split(separator: ",", omittingEmptySubsequences: false)
      .map { $0.trimmingWhitespace() }
      .filter { !$0.isEmpty }
  }
}
