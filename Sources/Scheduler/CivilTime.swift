import Foundation

/// A wall-clock date and time to the minute, with no time zone: what a cron expression matches.
public struct CivilTime: Sendable, Equatable, Comparable, CustomStringConvertible {
  public var year: Int
  public var month: Int
  public var day: Int
  public var hour: Int
  public var minute: Int

  public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0) {
    self.year = year
    self.month = month
    self.day = day
    self.hour = hour
    self.minute = minute
  }

  /// Days since 1970-01-01 of the civil date (proleptic Gregorian).
  public var dayNumber: Int { CivilTime.dayNumber(year: year, month: month, day: day) }

  /// Seconds since 1970-01-01T00:00 if this wall-clock time were UTC.
  public var secondsAsIfUTC: Int64 { Int64(dayNumber) * 86_400 + Int64(hour * 3600 + minute * 60) }

  /// The civil time `seconds` after 1970-01-01T00:00 (seconds within the minute are dropped).
  public init(secondsAsIfUTC seconds: Int64) {
    let days = Int(seconds.floorDivided(by: 86_400))
    let rest = Int(seconds - Int64(days) * 86_400)
    let date = CivilTime.civilDate(dayNumber: days)
    self.init(year: date.year, month: date.month, day: date.day, hour: rest / 3600, minute: rest % 3600 / 60)
  }

  public static func < (lhs: CivilTime, rhs: CivilTime) -> Bool {
    lhs.secondsAsIfUTC < rhs.secondsAsIfUTC
  }

  public var description: String {
    String(format: "%04d-%02d-%02dT%02d:%02d", year, month, day, hour, minute)
  }

  /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
  public static func dayNumber(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  /// The civil date of a day number (Howard Hinnant's civil_from_days).
  public static func civilDate(dayNumber: Int) -> (year: Int, month: Int, day: Int) {
    let z = dayNumber + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  /// Day of the week, 0 = Sunday.
  public static func weekday(year: Int, month: Int, day: Int) -> Int {
    let days = dayNumber(year: year, month: month, day: day)
    return ((days + 4) % 7 + 7) % 7
  }

  /// The number of days in a month.
  public static func daysInMonth(year: Int, month: Int) -> Int {
    let next =
      month == 12
      ? dayNumber(year: year + 1, month: 1, day: 1) : dayNumber(year: year, month: month + 1, day: 1)
    return next - dayNumber(year: year, month: month, day: 1)
  }
}

extension Int64 {
  fileprivate func floorDivided(by divisor: Int64) -> Int64 {
    let quotient = self / divisor
    return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
  }
}
