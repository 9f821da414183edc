import Foundation

/// A parsed cron expression: five fields (minute hour day-of-month month day-of-week) or a macro.
///
/// Fields take `*`, values, ranges `a-b`, steps `*/n`, `a-b/n`, `a/n` (from `a` to the field's
/// end), comma lists, month names `JAN`-`DEC` and day names `SUN`-`SAT` (0 and 7 are Sunday).
/// Macros: `@yearly` (`@annually`), `@monthly`, `@weekly`, `@daily` (`@midnight`), `@hourly`.
///
/// Day matching follows Vixie cron: when both day-of-month and day-of-week are restricted (neither
/// starts with `*`), a day matches if either matches; otherwise both must match.
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
  /// The expression as written.
  public let source: String
  /// Allowed minutes (0-59), sorted.
  public let minutes: [Int]
  /// Allowed hours (0-23), sorted.
  public let hours: [Int]
  /// Allowed days of the month (1-31), sorted.
  public let daysOfMonth: [Int]
  /// Allowed months (1-12), sorted.
  public let months: [Int]
  /// Allowed days of the week (0-6, Sunday is 0), sorted.
  public let daysOfWeek: [Int]
  /// Whether the day-of-month field is restricted (does not start with `*`).
  public let dayOfMonthRestricted: Bool
  /// Whether the day-of-week field is restricted (does not start with `*`).
  public let dayOfWeekRestricted: Bool
  /// Whether the hour field is `*`: such jobs follow real time through a fall-back hour.
  public let everyHour: Bool

  private let minuteSet: Set<Int>
  private let hourSet: Set<Int>
  private let dayOfMonthSet: Set<Int>
  private let monthSet: Set<Int>
  private let dayOfWeekSet: Set<Int>

  /// The five-field equivalents of the macros.
  public static let macros: [String: String] = [
    "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
  ]

  /// Parses `text`; throws `CronParseError` naming the field and the problem.
  public init(parsing text: String) throws {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    source = trimmed
    var body = trimmed
    if trimmed.hasPrefix("@") {
      guard let expansion = CronExpression.macros[trimmed.lowercased()] else {
        throw CronParseError(
          field: nil,
          message: "unknown macro '\(trimmed)' (use @hourly, @daily, @weekly, @monthly or @yearly)")
      }
      body = expansion
    }
    let parts = body.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    guard parts.count == 5 else {
      throw CronParseError(
        field: nil,
        message: "expected 5 fields (minute hour day-of-month month day-of-week), got \(parts.count)")
    }
    var sets: [Set<Int>] = []
    for field in CronField.allCases {
      sets.append(try CronExpression.parseField(parts[field.rawValue], field: field))
    }
    minuteSet = sets[0]
    hourSet = sets[1]
    dayOfMonthSet = sets[2]
    monthSet = sets[3]
    dayOfWeekSet = Set(sets[4].map { $0 % 7 })
    minutes = minuteSet.sorted()
    hours = hourSet.sorted()
    daysOfMonth = dayOfMonthSet.sorted()
    months = monthSet.sorted()
    daysOfWeek = dayOfWeekSet.sorted()
    dayOfMonthRestricted = !parts[2].hasPrefix("*")
    dayOfWeekRestricted = !parts[4].hasPrefix("*")
    everyHour = parts[1] == "*"
  }

  public var description: String { source }

  public static func == (lhs: CronExpression, rhs: CronExpression) -> Bool {
    lhs.minutes == rhs.minutes && lhs.hours == rhs.hours && lhs.daysOfMonth == rhs.daysOfMonth
      && lhs.months == rhs.months && lhs.daysOfWeek == rhs.daysOfWeek
      && lhs.dayOfMonthRestricted == rhs.dayOfMonthRestricted
      && lhs.dayOfWeekRestricted == rhs.dayOfWeekRestricted && lhs.everyHour == rhs.everyHour
  }

  /// Whether the expression selects the civil date `year-month-day`, by the Vixie rule.
  public func matchesDay(year: Int, month: Int, day: Int) -> Bool {
    guard monthSet.contains(month) else { return false }
    let weekday = CivilTime.weekday(year: year, month: month, day: day)
    let domMatch = dayOfMonthSet.contains(day)
    let dowMatch = dayOfWeekSet.contains(weekday)
    if dayOfMonthRestricted && dayOfWeekRestricted { return domMatch || dowMatch }
    return domMatch && dowMatch
  }

  /// Whether the expression selects the civil time (day, hour and minute).
  public func matches(_ time: CivilTime) -> Bool {
    minuteSet.contains(time.minute) && hourSet.contains(time.hour)
      && matchesDay(year: time.year, month: time.month, day: time.day)
  }

  private static func parseField(_ text: String, field: CronField) throws -> Set<Int> {
    var values = Set<Int>()
    for item in text.split(separator: ",", omittingEmptySubsequences: false) {
      let element = String(item)
      guard !element.isEmpty else {
        throw CronParseError(field: field, message: "empty list element in '\(text)'")
      }
      let pieces = element.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
      guard pieces.count <= 2 else {
        throw CronParseError(field: field, message: "more than one '/' in '\(element)'")
      }
      var step = 1
      if pieces.count == 2 {
        guard let parsed = Int(pieces[1]), parsed > 0 else {
          throw CronParseError(field: field, message: "step must be a positive number in '\(element)'")
        }
        step = parsed
      }
      let rangeText = pieces[0]
      var low: Int
      var high: Int
      if rangeText == "*" {
        low = field.lowerBound
        high = field == .dayOfWeek ? 6 : field.upperBound
      } else if let dash = rangeText.firstIndex(of: "-") {
        low = try value(String(rangeText[..<dash]), field: field, in: element)
        high = try value(String(rangeText[rangeText.index(after: dash)...]), field: field, in: element)
        guard low <= high else {
          throw CronParseError(
            field: field, message: "range start \(low) is after its end \(high) in '\(element)'")
        }
      } else {
        low = try value(rangeText, field: field, in: element)
        high = pieces.count == 2 ? (field == .dayOfWeek ? 6 : field.upperBound) : low
      }
      for candidate in stride(from: low, through: high, by: step) { values.insert(candidate) }
    }
    return values
  }

  private static func value(_ text: String, field: CronField, in element: String) throws -> Int {
    if let named = field.names[text.uppercased()] { return named }
    guard !text.isEmpty, text.allSatisfy(\.isASCII), let number = Int(text) else {
      throw CronParseError(field: field, message: "'\(text)' is not a number or name in '\(element)'")
    }
    guard number >= field.lowerBound, number <= field.upperBound else {
      throw CronParseError(
        field: field,
        message: "\(number) is out of range \(field.lowerBound)-\(field.upperBound) in '\(element)'")
    }
    return number
  }
}

/// A cron expression that could not be parsed.
public struct CronParseError: Error, Equatable, CustomStringConvertible {
  /// The field at fault, when one is.
  public let field: CronField?
  /// What is wrong.
  public let message: String

  public var description: String {
    if let field { return "\(field) field: \(message)" }
    return message
  }
}
