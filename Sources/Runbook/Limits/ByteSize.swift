/// A byte count written the way the CLI conventions allow (docs/architecture.md, "Conventions"): `64MB`, `1GiB`, `67108864`.
///
/// Decimal units (`kB`/`KB`, `MB`, `GB`, `TB`) are powers of 1000; binary units (`KiB`, `MiB`,
/// `GiB`, `TiB`) are powers of 1024; a bare number or a `B` suffix is bytes. Units are
/// case-insensitive and a fractional count is allowed (`1.5GiB`).
public struct ByteSize: Sendable, Equatable, CustomStringConvertible {
  /// The number of bytes.
  public let bytes: Int
  /// The text the user wrote, kept for messages such as "memory limit exceeded (--max-memory 64MB)".
  public let spelling: String

  /// Creates a size of `bytes` bytes, spelled as the plain number.
  public init(bytes: Int) {
    self.bytes = bytes
    self.spelling = String(bytes)
  }

  /// Parses `text`; throws `LimitParseError` on an unknown unit, a negative or an oversized value.
  public init(parsing text: String) throws {
    let trimmed = text.trimmingWhitespace()
    let (number, unit) = try splitNumberAndUnit(trimmed, kind: "size", original: text)
    let multiplier: Double
    switch unit.lowercased() {
    case "", "b": multiplier = 1
    case "kb", "k": multiplier = 1e3
    case "mb", "m": multiplier = 1e6
    case "gb", "g": multiplier = 1e9
    case "tb", "t": multiplier = 1e12
    case "kib": multiplier = 1024
    case "mib": multiplier = 1024 * 1024
    case "gib": multiplier = 1024 * 1024 * 1024
    case "tib": multiplier = 1024 * 1024 * 1024 * 1024
    default:
      throw LimitParseError(
        "invalid size '\(text)': unknown unit '\(unit)' (use B, KB, MB, GB, KiB, MiB, GiB or bytes)")
    }
    let value = number * multiplier
    guard value.isFinite, value < Double(Int.max) else {
      throw LimitParseError("invalid size '\(text)': too large")
    }
    self.bytes = Int(value.rounded())
    self.spelling = trimmed
  }

  public var description: String { spelling }
}

/// A wall-clock duration written as the CLI conventions allow (docs/architecture.md, "Conventions"): `500ms`, `2s`, `10m`, `1h`, or seconds (`30`).
///
/// Parts may be combined (`1h30m`); a fractional count is allowed (`0.5s`, `1.5`). This is the one
/// parser of that syntax: run limits, connection timeouts, plan ages and schedule files use it.
/// Two durations are equal when they last as long, however they are spelled (`60s` == `1m`).
public struct DurationSpec: Sendable, Hashable, CustomStringConvertible {
  /// The duration.
  public let duration: Duration
  /// The text the user wrote, kept for messages such as "timeout after 2s (--timeout)".
  public let spelling: String

  /// Creates a duration spelled in seconds.
  public init(seconds: Double) {
    self.duration = .nanoseconds(Int64((seconds * 1e9).rounded()))
    self.spelling = "\(seconds)s"
  }

  /// Parses `text`; throws `LimitParseError` on an unknown unit or a negative value.
  public init(parsing text: String) throws {
    let trimmed = text.trimmingWhitespace()
    guard !trimmed.isEmpty else { throw LimitParseError("invalid duration '': empty") }
    var rest = Substring(trimmed)
    var nanoseconds: Double = 0
    while !rest.isEmpty {
      let numberEnd = rest.firstIndex { !($0.isNumber || $0 == ".") } ?? rest.endIndex
      let numberText = rest[rest.startIndex..<numberEnd]
      let unitEnd = rest[numberEnd...].firstIndex { $0.isNumber || $0 == "." } ?? rest.endIndex
      let unit = rest[numberEnd..<unitEnd]
      guard let number = Double(numberText), !numberText.isEmpty else {
        throw LimitParseError(
          "invalid duration '\(text)': expected a number with a unit (500ms, 2s, 10m, 1h) or seconds")
      }
      let scale: Double
      switch unit.lowercased() {
      case "", "s", "sec": scale = 1e9
      case "ms": scale = 1e6
      case "m", "min": scale = 60e9
      case "h": scale = 3600e9
      case "d": scale = 86400e9
      case "w": scale = 604800e9
      default:
        throw LimitParseError("invalid duration '\(text)': unknown unit '\(unit)' (use ms, s, m, h, d or w)")
      }
      if unit.isEmpty && unitEnd != rest.endIndex {
        throw LimitParseError("invalid duration '\(text)': a unit is missing")
      }
      nanoseconds += number * scale
      rest = rest[unitEnd...]
    }
    guard nanoseconds.isFinite, nanoseconds < Double(Int64.max) else {
      throw LimitParseError("invalid duration '\(text)': too long")
    }
    self.duration = .nanoseconds(Int64(nanoseconds.rounded()))
    self.spelling = trimmed
  }

  /// The duration in seconds.
  public var seconds: Double {
    let parts = duration.components
    return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
  }

  /// The duration in whole seconds, rounded up (for exporters whose settings take seconds).
  public var wholeSecondsRoundedUp: Int64 {
    let parts = duration.components
    return parts.seconds + (parts.attoseconds > 0 ? 1 : 0)
  }

  public var description: String { spelling }

  public static func == (lhs: DurationSpec, rhs: DurationSpec) -> Bool { lhs.duration == rhs.duration }

  public func hash(into hasher: inout Hasher) { hasher.combine(duration) }
}

/// A size or duration that could not be parsed; `message` says why.
public struct LimitParseError: Error, Equatable, CustomStringConvertible {
  /// A one-line explanation naming the text that was given.
  public let message: String

  init(_ message: String) { self.message = message }

  public var description: String { message }
}

private func splitNumberAndUnit(
  _ text: String, kind: String, original: String
) throws -> (Double, String) {
  let numberEnd = text.firstIndex { !($0.isNumber || $0 == ".") } ?? text.endIndex
  let numberText = text[text.startIndex..<numberEnd]
  guard !numberText.isEmpty, let number = Double(numberText) else {
    throw LimitParseError("invalid \(kind) '\(original)': expected a number with an optional unit")
  }
  let unit = text[numberEnd...].trimmingWhitespace()
  return (number, unit)
}

extension StringProtocol {
  func trimmingWhitespace() -> String {
    var slice = Substring(self)
    while let first = slice.first, first.isWhitespace { slice.removeFirst() }
    while let last = slice.last, last.isWhitespace { slice.removeLast() }
    return String(slice)
  }
}
