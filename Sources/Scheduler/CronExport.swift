import Foundation

/// Crontab lines, one per job.
///
/// Each line runs `terun schedule run FILE --job NAME` under `flock -n`, so a job never overlaps
/// itself (a start that finds the lock taken exits at once), after sourcing the environment file
/// that holds `TE_TOKEN`. Retries, notifications and retention work as with the daemon, since
/// `terun schedule run` does them. `CRON_TZ=` precedes every job: cronie (Fedora, RHEL) and
/// busybox honour it; Debian's cron does not, and there the machine's time zone applies, which
/// the export reports per job. cron does not make up missed runs (catch_up is ignored).
enum CronExport {
  static func export(_ file: ScheduleFile, options: ExportOptions) -> ExportResult {
    var text = """
      # terun schedule, exported from \(options.schedulePath)
      # Install with: crontab FILE (or copy to /etc/cron.d/ and add the user field).
      # TE_TOKEN comes from \(options.environmentFile), never from this file.
      SHELL=/bin/sh

      """
    var warnings: [ScheduleProblem] = []
    let machineZone = canonicalZone(options.machineTimeZone)
    for job in file.jobs {
      let expression = CronExpression.macros[job.cron.source.lowercased()] ?? job.cron.source
      let run = [options.terunPath, "schedule", "run", options.schedulePath, "--job", job.name]
        .map(ScheduleExporter.shellQuoted).joined(separator: " ")
      let script = "set -a; . \(ScheduleExporter.shellQuoted(options.environmentFile)); set +a; exec \(run)"
      let lock = "/tmp/terun-\(job.name).lock"
      let command =
        "flock -n \(lock) env TERUN_STATE_DIR=\(ScheduleExporter.shellQuoted(options.stateDirectory))"
        + " sh -c \(ScheduleExporter.shellQuoted(script)) >/dev/null"
      text += """

        # \(job.name): runbook \(job.runbook), timeout \(job.timeout), overlap: never (flock)
        CRON_TZ=\(job.timeZoneName)
        \(expression) \(command.replacingOccurrences(of: "%", with: "\\%"))

        """
      if canonicalZone(job.timeZoneName) != machineZone {
        warnings.append(
          ScheduleExporter.warning(
            job, "timezone",
            "Debian's cron ignores CRON_TZ: there this job runs at '\(job.cron.source)' in the machine's zone (\(machineZone)), not \(job.timeZoneName); cronie and busybox crond honour it"
          ))
      }
      if job.overlap == .queue {
        warnings.append(
          ScheduleExporter.warning(
            job, "overlap", "queue cannot be expressed: flock -n drops a start that finds the job running"))
      }
    }
    return ExportResult(files: [ExportedFile(name: "terun.crontab", contents: text)], warnings: warnings)
  }

  /// The zone's name with the spellings of UTC made one.
  static func canonicalZone(_ name: String) -> String {
    let utc: Set<String> = [
      "UTC", "Etc/UTC", "GMT", "Etc/GMT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu",
    ]
    return utc.contains(name) ? "UTC" : name
  }
}
