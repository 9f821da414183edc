import Foundation

/// ISO 8601 date-times for `datetime` parameters: `2026-11-27T03:00:00Z`,
/// `2026-11-27T03:00:00.5+02:00`, `2026-11-27T03:00Z` (seconds optional), `2026-11-27`
/// (midnight UTC). A date-time without an offset is UTC, as in `stdlib/time.lua`.
enum ISODateTime {
  private static let pattern =
    #"^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$"#

  /// The date-time in UTC as `YYYY-MM-DDTHH:MM:SSZ` (with the fraction, if any).
  static func utcText(_ text: String) throws(ParameterConverter.Failure) -> String {
    let trimmed = text.trimmingWhitespace()
    func fail(_ why: String) -> ParameterConverter.Failure {
      ParameterConverter.Failure(
        reason: "expected \(ParameterType.datetime.expectation), got \"\(text)\""
          + (why.isEmpty ? "" : ": \(why)"))
    }
    guard let regex = try? NSRegularExpression(pattern: pattern),
      let match = regex.firstMatch(
        in: trimmed, range: NSRange(trimmed.startIndex..., in: trimmed))
    else { throw fail("") }
    func group(_ index: Int) -> String? {
      guard let range = Range(match.range(at: index), in: trimmed) else { return nil }
      return String(trimmed[range])
    }
    let year = Int(group(1)!)!
    let month = Int(group(2)!)!
    let day = Int(group(3)!)!
    let hour = group(4).flatMap(Int.init) ?? 0
    let minute = group(5).flatMap(Int.init) ?? 0
    let second = group(6).flatMap(Int.init) ?? 0
    guard (1...12).contains(month) else { throw fail("month out of range") }
    guard day >= 1, day <= daysInMonth(year, month) else { throw fail("day out of range") }
    guard hour <= 23, minute <= 59, second <= 59 else { throw fail("time out of range") }
    var offset = 0
    if let zone = group(8), zone.lowercased() != "z" {
      let digits = zone.dropFirst().filter(\.isNumber)
      let hours = Int(digits.prefix(2))!
      let minutes = digits.count > 2 ? Int(digits.dropFirst(2))! : 0
      guard hours <= 23, minutes <= 59 else { throw fail("time zone out of range") }
      offset = (hours * 3600 + minutes * 60) * (zone.hasPrefix("-") ? -1 : 1)
    }
    let days = daysFromCivil(year, month, day)
    let epoch = days * 86400 + hour * 3600 + minute * 60 + second - offset
    let (utcDays, secondOfDay) = (epoch.floorDiv(86400), epoch.floorMod(86400))
    let (y, m, d) = civilFromDays(utcDays)
    var result = String(
      format: "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, secondOfDay / 3600, secondOfDay % 3600 / 60,
      secondOfDay % 60)
    if let fraction = group(7), fraction.contains(where: { $0 != "0" }) { result += "." + fraction }
    return result + "Z"
  }

  private static func daysInMonth(_ year: Int, _ month: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
  private static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = y.floorDiv(400)
    let yoe = y - era * 400
    let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146097 + doe - 719468
  }

  private static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
    let z = days + 719468
    let era = z.floorDiv(146097)
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }
}

extension Int {
  fileprivate func floorDiv(_ divisor: Int) -> Int {
    let q = self / divisor
    return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
  }

  fileprivate func floorMod(_ divisor: Int) -> Int { self - floorDiv(divisor) * divisor }
}
