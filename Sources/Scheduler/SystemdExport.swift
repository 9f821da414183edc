import Foundation

/// systemd service and timer units, one pair per job.
///
/// - The service is `Type=oneshot` running `terun schedule run FILE --job NAME` (so runs keep
///   their history, logs and failure notifications); a oneshot service cannot start twice, so
///   a job never overlaps itself (a timer firing while it runs is dropped).
/// - `OnCalendar=` is the cron expression with steps expanded to lists and ranges as `a..b`,
///   in the job's time zone (systemd 235 or later). When both day fields are restricted, the
///   Vixie OR rule becomes two `OnCalendar=` lines. systemd's own DST handling applies.
/// - `Persistent=true` (catch_up: once) runs a missed run at boot; catch_up: none sets false.
/// - `TimeoutStartSec=` is the job's timeout plus 30s (terun stops the run at the timeout).
/// - The token comes from `EnvironmentFile=`, never from the unit.
enum SystemdExport {
  static func units(for job: ScheduleJob, options: ExportOptions) -> [ExportedFile] {
    let unit = "terun-\(job.name)"
    let exec = [options.terunPath, "schedule", "run", options.schedulePath, "--job", job.name]
      .map(quoted).joined(separator: " ")
    let service = """
      [Unit]
      Description=terun job \(job.name) (runbook \(escaped(job.runbook)))
      Wants=network-online.target
      After=network-online.target

      [Service]
      Type=oneshot
      ExecStart=\(exec)
      Environment=\(quoted("TERUN_STATE_DIR=\(options.stateDirectory)"))
      EnvironmentFile=\(options.environmentFile)
      TimeoutStartSec=\(job.timeout.wholeSecondsRoundedUp + 30)
      KillMode=mixed

      """
    var timer = """
      [Unit]
      Description=Schedule of terun job \(job.name) (cron "\(escaped(job.cron.source))" \(job.timeZoneName))

      [Timer]

      """
    for line in onCalendar(job.cron, zone: job.timeZoneName) { timer += "OnCalendar=\(line)\n" }
    timer += """
      Persistent=\(job.catchUp == .once ? "true" : "false")
      AccuracySec=1s
      Unit=\(unit).service

      [Install]
      WantedBy=timers.target

      """
    return [
      ExportedFile(name: "\(unit).service", contents: service),
      ExportedFile(name: "\(unit).timer", contents: timer),
    ]
  }

  /// The `OnCalendar=` values for `cron` (two when both day fields are restricted).
  static func onCalendar(_ cron: CronExpression, zone: String) -> [String] {
    let time = "\(list(cron.hours, all: 0...23)):\(list(cron.minutes, all: 0...59)):00"
    let months = list(cron.months, all: 1...12)
    let days = list(cron.daysOfMonth, all: 1...31)
    let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    let weekdays = weekdayList(cron.daysOfWeek, names: names)
    func line(weekdays: String?, days: String) -> String {
      (weekdays.map { "\($0) " } ?? "") + "*-\(months)-\(days) \(time) \(zone)"
    }
    if cron.dayOfMonthRestricted && cron.dayOfWeekRestricted {
      return [line(weekdays: nil, days: days), line(weekdays: weekdays, days: "*")]
    }
    let dayPart = cron.dayOfWeekRestricted || cron.daysOfWeek.count < 7 ? weekdays : nil
    return [line(weekdays: dayPart, days: days)]
  }

  /// `*` for every value, else a comma list with runs of three or more as `a..b`, two digits.
  static func list(_ values: [Int], all: ClosedRange<Int>) -> String {
    if values == Array(all) { return "*" }
    return runs(values).map { run in
      run.count >= 3
        ? String(format: "%02d..%02d", run.first!, run.last!)
        : run.map { String(format: "%02d", $0) }.joined(separator: ",")
    }.joined(separator: ",")
  }

  static func weekdayList(_ values: [Int], names: [String]) -> String {
    runs(values).map { run in
      run.count >= 3
        ? "\(names[run.first!])..\(names[run.last!])" : run.map { names[$0] }.joined(separator: ",")
    }.joined(separator: ",")
  }

  private static func runs(_ values: [Int]) -> [[Int]] {
    var result: [[Int]] = []
    for value in values {
      if let last = result.last?.last, last + 1 == value {
        result[result.count - 1].append(value)
      } else {
        result.append([value])
      }
    }
    return result
  }

  /// A word for `ExecStart=`/`Environment=`: double-quoted when needed, `%` doubled.
  private static func quoted(_ word: String) -> String {
    let text = escaped(word)
    if text.contains(where: { $0 == " " || $0 == "\"" || $0 == "\\" || $0 == "'" }) {
      return "\""
        + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        + "\""
    }
    return text
  }

  private static func escaped(_ text: String) -> String { text.replacingOccurrences(of: "%", with: "%%") }
}
