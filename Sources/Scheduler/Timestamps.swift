import Foundation

/// Time formatting for history, logs and listings.
public enum Timestamps {
  /// ISO 8601 in UTC with a `Z`, to the second: `2026-11-27T04:00:00Z`.
  public static func iso(_ date: Date) -> String { iso(date, in: TimeZone(identifier: "UTC")!) }

  /// ISO 8601 in `timeZone` with its offset: `2026-11-27T02:00:00-05:00` (UTC shows `Z`).
  public static func iso(_ date: Date, in timeZone: TimeZone) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = timeZone
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
  }

  /// A file-name timestamp in UTC: `20261127T040000Z`.
  public static func fileStamp(_ date: Date) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    return String(
      format: "%04d%02d%02dT%02d%02d%02dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0,
      c.second ?? 0)
  }
}
