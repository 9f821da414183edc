import Foundation

/// systemd service and timer units, one pair per job.
///
/// - The service is `Type=oneshot` running `terun schedule run FILE --job NAME` (so runs keep
///   their history, logs, retries, notifications and retention); a oneshot service cannot
///   start twice, so a job never overlaps itself (a timer firing while it runs is dropped).
/// - It is hardened: `DynamicUser=yes` (or `User=`), `StateDirectory=` for the state folder,
///   `ProtectSystem=strict`, `ProtectHome=yes`, `PrivateTmp=yes`, `NoNewPrivileges=yes`, the
///   kernel, clock, namespaces and system calls fenced off, and `ReadWritePaths=` only the
///   job's `out_dir` when it has one. The token comes by `LoadCredential=` and reaches the runs
///   as `--token-file`, never through the environment.
/// - `OnCalendar=` is the cron expression with steps expanded to lists and ranges as `a..b`,
///   in the job's time zone (systemd 235 or later). When both day fields are restricted, the
///   Vixie OR rule becomes two `OnCalendar=` lines. systemd's own DST handling applies.
/// - `Persistent=true` (catch_up: once) runs a missed run at boot; catch_up: none sets false.
/// - `TimeoutStartSec=` covers every attempt: each timeout plus 30s, and the retry delays.
enum SystemdExport {
  /// The credential name of the token (`LoadCredential=`).
  static let credential = "te-token"

  static func export(_ file: ScheduleFile, options: ExportOptions) throws -> ExportResult {
    guard options.stateDirectory.hasPrefix("/var/lib/"),
      let relative = Optional(String(options.stateDirectory.dropFirst("/var/lib/".count))),
      !relative.isEmpty, !relative.split(separator: "/").contains("..")
    else {
      throw ExportError(
        "--state-dir \(options.stateDirectory): systemd keeps a service's state under /var/lib (StateDirectory=); use /var/lib/NAME"
      )
    }
    var files: [ExportedFile] = []
    var warnings: [ScheduleProblem] = []
    for job in file.jobs {
      files += units(for: job, stateDirectory: relative, options: options)
      warnings += self.warnings(for: job, options: options)
    }
    return ExportResult(files: files, warnings: warnings)
  }

  static func units(for job: ScheduleJob, stateDirectory: String, options: ExportOptions) -> [ExportedFile] {
    let unit = "terun-\(job.name)"
    let exec =
      [options.terunPath, "schedule", "run", options.schedulePath, "--job", job.name].map { quoted($0) }
      .joined(separator: " ") + " --token-file %d/\(credential)"
    var attempts = Int64(job.retries + 1) * (job.timeout.wholeSecondsRoundedUp + 30)
    for retry in stride(from: 1, through: job.retries, by: 1) {
      attempts += Int64(job.delay(beforeRetry: retry).rounded(.up))
    }
    let account = options.user.map { "User=\(quoted($0))" } ?? "DynamicUser=yes"
    var service = """
      [Unit]
      Description=terun job \(job.name) (runbook \(escaped(job.runbook)))
      Wants=network-online.target
      After=network-online.target

      [Service]
      Type=oneshot
      ExecStart=\(exec)
      \(account)
      StateDirectory=\(escaped(stateDirectory))
      StateDirectoryMode=0700
      Environment=\(quoted("TERUN_STATE_DIR=%S/\(stateDirectory)", specifiers: true))
      LoadCredential=\(credential):\(escaped(options.tokenFile))
      TimeoutStartSec=\(attempts)
      KillMode=mixed
      UMask=0077
      NoNewPrivileges=yes
      ProtectSystem=strict
      ProtectHome=yes
      PrivateTmp=yes
      PrivateDevices=yes
      PrivateUsers=yes
      ProtectKernelTunables=yes
      ProtectKernelModules=yes
      ProtectKernelLogs=yes
      ProtectControlGroups=yes
      ProtectClock=yes
      ProtectHostname=yes
      ProtectProc=invisible
      ProcSubset=pid
      RestrictNamespaces=yes
      RestrictRealtime=yes
      RestrictSUIDSGID=yes
      LockPersonality=yes
      MemoryDenyWriteExecute=yes
      RemoveIPC=yes
      RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
      SystemCallArchitectures=native
      SystemCallFilter=@system-service
      SystemCallFilter=~@privileged
      SystemCallErrorNumber=EPERM
      CapabilityBoundingSet=
      AmbientCapabilities=

      """
    if let outDirectory = job.outDirectory {
      service += "ReadWritePaths=\(escaped(ScheduleExporter.targetPath(outDirectory, options: options)))\n"
    }
    if let maxMemory = job.maxMemory {
      let mebibytes = (maxMemory.bytes + (1 << 20) - 1) >> 20
      service += "MemoryMax=\(mebibytes + ScheduleExporter.memoryOverheadMiB)M\n"
    }
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

  /// What the units cannot express for `job`, or where the hardening gets in its way.
  static func warnings(for job: ScheduleJob, options: ExportOptions) -> [ScheduleProblem] {
    var warnings: [ScheduleProblem] = []
    if job.overlap == .queue {
      warnings.append(
        ScheduleExporter.warning(
          job, "overlap", "queue cannot be expressed: a oneshot service drops a start while the job runs"))
    }
    let hidden = ["/home/", "/root/", "/run/user/"]
    if job.runbook.contains("/") || job.runbook.hasSuffix(".lua") {
      let path = ScheduleExporter.targetPath(job.runbook, options: options)
      if hidden.contains(where: { path.hasPrefix($0) }) {
        warnings.append(
          ScheduleExporter.warning(
            job, "runbook",
            "\(path) is hidden from the service by ProtectHome=yes: keep runbooks outside home folders"))
      }
    }
    if let outDirectory = job.outDirectory {
      let path = ScheduleExporter.targetPath(outDirectory, options: options)
      if hidden.contains(where: { path.hasPrefix($0) }) {
        warnings.append(
          ScheduleExporter.warning(
            job, "out_dir",
            "\(path) is hidden from the service by ProtectHome=yes: use a folder outside home folders"))
      }
      if options.user == nil {
        warnings.append(
          ScheduleExporter.warning(
            job, "out_dir",
            "\(path) must be writable by the service's dynamic user: give --user NAME for an account that owns it"
          ))
      }
    }
    return warnings
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

  /// A word for `ExecStart=`/`Environment=`: double-quoted when needed, `%` doubled unless
  /// `specifiers` keeps them.
  private static func quoted(_ word: String, specifiers: Bool = false) -> String {
    let text = specifiers ? word : escaped(word)
    if text.contains(where: { $0 == " " || $0 == "\"" || $0 == "\\" || $0 == "'" }) {
      return "\""
        + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        + "\""
    }
    return text
  }

  private static func escaped(_ text: String) -> String { text.replacingOccurrences(of: "%", with: "%%") }
}
