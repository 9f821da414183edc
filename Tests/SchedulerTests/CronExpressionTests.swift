import Foundation
import Scheduler
import Testing

/// Next run times of `expression` after `start` (ISO 8601), formatted in the zone.
private func nextRuns(_ expression: String, zone: String = "UTC", after start: String, count: Int) throws
  -> [String]
{
  let cron = try CronExpression(parsing: expression)
  let timeZone = try #require(TimeZone(identifier: zone))
  let date = try #require(ISO8601DateFormatter().date(from: start))
  return cron.nextRuns(after: date, count: count, in: timeZone).map { Timestamps.iso($0, in: timeZone) }
}

@Suite struct CronParsingTests {
  @Test func expandsRangesStepsListsAndNames() throws {
    let cron = try CronExpression(parsing: "5/20 9-17/4 1,15 * MON-FRI")
    #expect(cron.minutes == [5, 25, 45])
    #expect(cron.hours == [9, 13, 17])
    #expect(cron.daysOfMonth == [1, 15])
    #expect(cron.months == Array(1...12))
    #expect(cron.daysOfWeek == [1, 2, 3, 4, 5])
    #expect(cron.dayOfMonthRestricted && cron.dayOfWeekRestricted)

    let names = try CronExpression(parsing: "0 0 * jan-MAR/2,Dec sun,7,sat")
    #expect(names.months == [1, 3, 12])
    #expect(names.daysOfWeek == [0, 6])
    #expect(!names.dayOfMonthRestricted && names.dayOfWeekRestricted)
  }

  @Test func macrosExpandToFiveFields() throws {
    #expect(try CronExpression(parsing: "@hourly") == CronExpression(parsing: "0 * * * *"))
    #expect(try CronExpression(parsing: "@daily") == CronExpression(parsing: "0 0 * * *"))
    #expect(try CronExpression(parsing: "@weekly") == CronExpression(parsing: "0 0 * * 0"))
    #expect(try CronExpression(parsing: "@monthly") == CronExpression(parsing: "0 0 1 * *"))
    #expect(try CronExpression(parsing: "@yearly") == CronExpression(parsing: "0 0 1 1 *"))
  }

  @Test(arguments: [
    ("60 * * * *", "minute field: 60 is out of range 0-59 in '60'"),
    ("* 24 * * *", "hour field: 24 is out of range 0-23 in '24'"),
    ("* * 0 * *", "day-of-month field: 0 is out of range 1-31 in '0'"),
    ("* * * 13 *", "month field: 13 is out of range 1-12 in '13'"),
    ("* * * * 8", "day-of-week field: 8 is out of range 0-7 in '8'"),
    ("* * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 3"),
    ("*/0 * * * *", "minute field: step must be a positive number in '*/0'"),
    ("5-1 * * * *", "minute field: range start 5 is after its end 1 in '5-1'"),
    ("* * * FOO *", "month field: 'FOO' is not a number or name in 'FOO'"),
    ("1,,2 * * * *", "minute field: empty list element in '1,,2'"),
    ("@reboot", "unknown macro '@reboot' (use @hourly, @daily, @weekly, @monthly or @yearly)"),
  ])
  func rejectsWithMessage(expression: String, message: String) {
    #expect {
      try CronExpression(parsing: expression)
    } throws: { error in
      String(describing: error) == message
    }
  }
}

@Suite struct CronNextRunTests {
  @Test func weekdayBusinessHoursInUTC() throws {
    // 2026-11-27 is a Friday.
    #expect(
      try nextRuns("*/15 9-17 * * MON-FRI", after: "2026-11-27T17:20:00Z", count: 4) == [
        "2026-11-27T17:30:00Z", "2026-11-27T17:45:00Z", "2026-11-30T09:00:00Z", "2026-11-30T09:15:00Z",
      ])
  }

  @Test func vixieRuleOrsRestrictedDayFields() throws {
    // The 1st and 15th, and every Friday.
    #expect(
      try nextRuns("0 0 1,15 * 5", after: "2026-11-27T00:00:00Z", count: 5) == [
        "2026-12-01T00:00:00Z", "2026-12-04T00:00:00Z", "2026-12-11T00:00:00Z", "2026-12-15T00:00:00Z",
        "2026-12-18T00:00:00Z",
      ])
    // A day-of-month starting with * is not restricted: the fields AND, so only Fridays.
    #expect(
      try nextRuns("0 0 */1 * 5", after: "2026-11-27T00:00:00Z", count: 2) == [
        "2026-12-04T00:00:00Z", "2026-12-11T00:00:00Z",
      ])
  }

  @Test func sundayIsZeroOrSevenAndMacros() throws {
    #expect(try nextRuns("0 12 * * 7", after: "2026-11-27T00:00:00Z", count: 1) == ["2026-11-29T12:00:00Z"])
    #expect(try nextRuns("@weekly", after: "2026-11-27T00:00:00Z", count: 1) == ["2026-11-29T00:00:00Z"])
    #expect(
      try nextRuns("@monthly", after: "2026-11-27T00:00:00Z", count: 2) == [
        "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z",
      ])
    #expect(try nextRuns("@yearly", after: "2026-11-27T00:00:00Z", count: 1) == ["2027-01-01T00:00:00Z"])
    #expect(
      try nextRuns("@hourly", after: "2026-12-31T23:00:00Z", count: 2) == [
        "2027-01-01T00:00:00Z", "2027-01-01T01:00:00Z",
      ])
  }

  @Test func shortMonthsAndLeapDays() throws {
    #expect(
      try nextRuns("0 0 31 * *", after: "2026-11-27T00:00:00Z", count: 3) == [
        "2026-12-31T00:00:00Z", "2027-01-31T00:00:00Z", "2027-03-31T00:00:00Z",
      ])
    #expect(try nextRuns("0 0 29 2 *", after: "2026-03-01T00:00:00Z", count: 1) == ["2028-02-29T00:00:00Z"])
    let never = try CronExpression(parsing: "0 0 30 2 *")
    #expect(never.nextRun(after: Date(), in: TimeZone(identifier: "UTC")!) == nil)
  }

  @Test func nonUTCZoneWithoutDSTChange() throws {
    #expect(
      try nextRuns("0 2 * * *", zone: "America/New_York", after: "2026-11-27T12:00:00Z", count: 2) == [
        "2026-11-28T02:00:00-05:00", "2026-11-29T02:00:00-05:00",
      ])
    #expect(
      try nextRuns("0 9 * * 1", zone: "Asia/Kolkata", after: "2026-11-27T12:00:00Z", count: 1) == [
        "2026-11-30T09:00:00+05:30"
      ])
  }

  // New York springs forward on 2026-03-08 at 02:00 (to 03:00) and falls back on 2026-11-01 at
  // 02:00 (to 01:00).
  @Test func newYorkSpringForwardRunsAtEndOfGap() throws {
    #expect(
      try nextRuns("30 2 * * *", zone: "America/New_York", after: "2026-03-07T12:00:00-05:00", count: 3) == [
        "2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00",
        "2026-03-10T02:30:00-04:00",
      ])
    // Several times in the gap collapse into one run; 03:00 itself is the same instant.
    #expect(
      try nextRuns("0,30 2,3 * * *", zone: "America/New_York", after: "2026-03-08T00:00:00-05:00", count: 3)
        == [
          "2026-03-08T03:00:00-04:00", "2026-03-08T03:30:00-04:00", "2026-03-09T02:00:00-04:00",
        ])
  }

  @Test func newYorkFallBackRunsRepeatedTimeOnce() throws {
    #expect(
      try nextRuns("30 1 * * *", zone: "America/New_York", after: "2026-10-31T12:00:00-04:00", count: 2) == [
        "2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00",
      ])
    // Starting inside the repeated hour, after its first 01:30: no second 01:30 that day.
    #expect(
      try nextRuns("30 1 * * *", zone: "America/New_York", after: "2026-11-01T01:45:00-04:00", count: 1) == [
        "2026-11-02T01:30:00-05:00"
      ])
  }

  @Test func hourlyJobsFollowRealTimeThroughFallBack() throws {
    #expect(
      try nextRuns("0 * * * *", zone: "America/New_York", after: "2026-11-01T00:30:00-04:00", count: 3) == [
        "2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00", "2026-11-01T02:00:00-05:00",
      ])
    #expect(
      try nextRuns("0 * * * *", zone: "America/New_York", after: "2026-03-08T00:30:00-05:00", count: 3) == [
        "2026-03-08T01:00:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T04:00:00-04:00",
      ])
  }

  // Berlin springs forward on 2026-03-29 at 02:00 (to 03:00) and falls back on 2026-10-25 at
  // 03:00 (to 02:00).
  @Test func berlinSpringForwardAndFallBack() throws {
    #expect(
      try nextRuns("*/30 2 * * *", zone: "Europe/Berlin", after: "2026-03-28T12:00:00+01:00", count: 3) == [
        "2026-03-29T03:00:00+02:00", "2026-03-30T02:00:00+02:00", "2026-03-30T02:30:00+02:00",
      ])
    #expect(
      try nextRuns("30 2 * * *", zone: "Europe/Berlin", after: "2026-10-24T12:00:00+02:00", count: 2) == [
        "2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00",
      ])
    #expect(
      try nextRuns("15 * * * *", zone: "Europe/Berlin", after: "2026-10-25T01:30:00+02:00", count: 3) == [
        "2026-10-25T02:15:00+02:00", "2026-10-25T02:15:00+01:00", "2026-10-25T03:15:00+01:00",
      ])
  }
}
