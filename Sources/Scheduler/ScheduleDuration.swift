import Foundation

/// A duration written the CLI way: `500ms`, `2s`, `10m`, `1h` or a bare number of seconds (`30`).
public struct ScheduleDuration: Sendable, Equatable, Hashable, CustomStringConvertible {
  /// The duration in milliseconds.
  public let milliseconds: Int64
  /// The text it was parsed from (or a canonical spelling).
  public let spelling: String

  /// Parses `text`; throws `ScheduleDuration.ParseError` for anything else.
  public init(parsing text: String) throws {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    let units: [(String, Int64)] = [
      ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]
    var number = trimmed
    var factor: Int64 = 1000
    for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
      let head = String(trimmed.dropLast(suffix.count))
      if !head.isEmpty, head.allSatisfy({ $0.isNumber || $0 == "." }) {
        number = head
        factor = scale
        break
      }
    }
    guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." }), let value = Double(number),
      value.isFinite, value >= 0
    else {
      throw ParseError(text: text)
    }
    self.milliseconds = Int64((value * Double(factor)).rounded())
    self.spelling = trimmed
  }

  /// A duration of `seconds` whole seconds.
  public init(seconds: Int64) {
    self.milliseconds = seconds * 1000
    self.spelling = "\(seconds)s"
  }

  /// The duration in seconds.
  public var seconds: Double { Double(milliseconds) / 1000 }

  /// The duration in whole seconds, rounded up (for exporters that take seconds).
  public var wholeSecondsRoundedUp: Int64 { (milliseconds + 999) / 1000 }

  public var description: String { spelling }

  public static func == (lhs: ScheduleDuration, rhs: ScheduleDuration) -> Bool {
    lhs.milliseconds == rhs.milliseconds
  }

  public func hash(into hasher: inout Hasher) { hasher.combine(milliseconds) }

  /// A duration that could not be parsed.
  public struct ParseError: Error, CustomStringConvertible {
    /// The offending text.
    public let text: String
    public var description: String {
      "invalid duration '\(text)' (use 500ms, 2s, 10m, 1h or seconds)"
    }
  }
}
