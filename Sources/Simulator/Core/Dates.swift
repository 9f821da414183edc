import Foundation

/// ISO 8601 dates in UTC without Foundation formatters (fast, and the same everywhere).
enum ISODate {
  /// Formats an epoch second as `2024-05-01T12:00:00Z`.
  static func format(_ epoch: Int) -> String {
    let days = epoch >= 0 ? epoch / 86400 : (epoch - 86399) / 86400
    let secondsOfDay = epoch - days * 86400
    let (y, m, d) = civil(fromDays: days)
    return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T" + pad(secondsOfDay / 3600, 2) + ":"
      + pad(secondsOfDay / 60 % 60, 2) + ":" + pad(secondsOfDay % 60, 2) + "Z"
  }

  /// Formats an epoch second as a date only, `2024-05-01`.
  static func formatDay(_ epoch: Int) -> String {
    String(format(epoch).prefix(10))
  }

  /// Parses `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM|±HHMM)` or `YYYY-MM-DD`; returns epoch seconds.
  /// The basic offset form `+0000` is what the official Python SDK sends.
  static func parse(_ text: String) -> Int? {
    let b = Array(text.utf8)
    func num(_ start: Int, _ count: Int) -> Int? {
      guard start + count <= b.count else { return nil }
      var v = 0
      for i in start..<start + count {
        guard (48...57).contains(b[i]) else { return nil }
        v = v * 10 + Int(b[i] - 48)
      }
      return v
    }
    guard let y = num(0, 4), b.count >= 10, b[4] == 45, let mo = num(5, 2), b[7] == 45, let d = num(8, 2),
      (1...12).contains(mo), (1...31).contains(d)
    else { return nil }
    var seconds = days(fromCivil: y, mo, d) * 86400
    if b.count == 10 { return seconds }
    guard b.count >= 16, b[10] == 84 || b[10] == 116, let h = num(11, 2), b[13] == 58, let mi = num(14, 2),
      h < 24, mi < 60
    else { return nil }
    seconds += h * 3600 + mi * 60
    var i = 16
    if i < b.count, b[i] == 58 {
      guard let s = num(i + 1, 2), s < 61 else { return nil }
      seconds += s
      i += 3
      if i < b.count, b[i] == 46 {
        i += 1
        let start = i
        while i < b.count, (48...57).contains(b[i]) { i += 1 }
        if i == start { return nil }
      }
    }
    guard i < b.count else { return nil }
    if b[i] == 90 || b[i] == 122 {
      return i + 1 == b.count ? seconds : nil
    }
    guard b[i] == 43 || b[i] == 45, let oh = num(i + 1, 2), i + 3 < b.count else { return nil }
    let minutesAt = b[i + 3] == 58 ? i + 4 : i + 3
    guard let om = num(minutesAt, 2), minutesAt + 2 == b.count, oh < 24, om < 60 else { return nil }
    let offset = oh * 3600 + om * 60
    return b[i] == 43 ? seconds - offset : seconds + offset
  }

  private static func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
  }

  // Howard Hinnant's days-from-civil algorithms.
  private static func civil(fromDays z0: Int) -> (Int, Int, Int) {
    let z = z0 + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? y + 1 : y, m, d)
  }

  private static func days(fromCivil y0: Int, _ m: Int, _ d: Int) -> Int {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146097 + doe - 719468
  }
}

extension Date {
  /// The current epoch second.
  static var nowEpoch: Double { Date().timeIntervalSince1970 }
}
