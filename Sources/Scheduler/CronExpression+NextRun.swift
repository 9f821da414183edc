import Foundation

/// Next-run computation in a time zone, across daylight-saving changes.
///
/// Policy (the one cronie and systemd follow in spirit):
/// - A wall-clock time that does not exist because clocks spring forward (02:30 on the night
///   New York goes from 02:00 to 03:00) runs at the first valid instant after the gap (03:00
///   local). Several times inside one gap collapse into that single run.
/// - A wall-clock time that happens twice because clocks fall back (01:30 in New York in
///   November) runs once, at its first occurrence. Jobs whose hour field is `*` follow real time
///   instead and also run in the repeated hour, so `*/15 * * * *` does not pause for an hour.
extension CronExpression {
  /// The first run time strictly after `date` in `timeZone`, or nil if the expression never
  /// matches within eight years (`0 0 30 2 *`).
  public func nextRun(after date: Date, in timeZone: TimeZone) -> Date? {
    let after = Int64(date.timeIntervalSince1970.rounded(.down))
    let offsetNow = Int64(timeZone.secondsFromGMT(for: date))
    let localNow = after + offsetNow
    let firstDay = Int((localNow - 86_400).floorDiv(86_400))
    // Start a little before the current local time: during a fall-back hour a run may have an
    // earlier wall-clock time but a later instant.
    let startSecond = localNow - 3 * 3600
    var best: Int64?
    for dayNumber in firstDay..<(firstDay + 366 * 8 + 2) {
      let date = CivilTime.civilDate(dayNumber: dayNumber)
      guard matchesDay(year: date.year, month: date.month, day: date.day) else { continue }
      var done = false
      for hour in hours {
        for minute in minutes {
          let civil = Int64(dayNumber) * 86_400 + Int64(hour * 3600 + minute * 60)
          if civil < startSecond { continue }
          let instants = CronExpression.instants(ofLocal: civil, in: timeZone)
          if let first = instants.first, let best, first >= best {
            done = true
            break
          }
          let wanted = everyHour ? instants : Array(instants.prefix(1))
          for instant in wanted where instant > after {
            if best == nil || instant < best! { best = instant }
          }
        }
        if done { break }
      }
      if done { break }
      if let best, Int64(dayNumber + 1) * 86_400 - 14 * 3600 > best { break }
    }
    return best.map { Date(timeIntervalSince1970: TimeInterval($0)) }
  }

  /// The next `count` run times after `date`.
  public func nextRuns(after date: Date, count: Int, in timeZone: TimeZone) -> [Date] {
    var result: [Date] = []
    var cursor = date
    while result.count < count, let next = nextRun(after: cursor, in: timeZone) {
      result.append(next)
      cursor = next
    }
    return result
  }

  /// The instants at which the wall-clock time `local` (seconds as if UTC) occurs in `timeZone`:
  /// one normally, two (earlier first) in a fall-back overlap, and for a time inside a
  /// spring-forward gap the single instant at which the gap ends.
  static func instants(ofLocal local: Int64, in timeZone: TimeZone) -> [Int64] {
    func offset(_ instant: Int64) -> Int64 {
      Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant))))
    }
    let before = offset(local - 86_400 - 14 * 3600)
    let after = offset(local + 86_400 + 14 * 3600)
    var result: [Int64] = []
    for candidate in Set([before, after, offset(local)]) {
      let instant = local - candidate
      if offset(instant) == candidate { result.append(instant) }
    }
    if !result.isEmpty { return result.sorted() }
    // In a gap: the clocks jumped from `before` to `after` (after > before). The gap ends at the
    // transition, somewhere in [local - after, local - before].
    var low = local - max(before, after)
    var high = local - min(before, after)
    let target = offset(high)
    while high - low > 1 {
      let middle = low + (high - low) / 2
      if offset(middle) == target { high = middle } else { low = middle }
    }
    return [high]
  }
}

extension Int64 {
  fileprivate func floorDiv(_ divisor: Int64) -> Int64 {
    let quotient = self / divisor
    return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
  }
}
