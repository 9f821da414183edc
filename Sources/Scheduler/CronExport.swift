import Foundation

/// Crontab lines, one per job.
///
/// Each line runs `terun schedule run FILE --job NAME` under `flock -n`, so a job never overlaps
/// itself (a start that finds the lock taken exits at once), after sourcing the environment file
/// that holds `TE_TOKEN`. `CRON_TZ=` precedes every job: cronie (Fedora, RHEL) and busybox honour
/// it; Debian's cron does not, and there the machine's time zone applies. cron does not make up
/// missed runs (catch_up is ignored).
enum CronExport {
  static func crontab(for file: ScheduleFile, options: ExportOptions) -> ExportedFile {
    var text = """
      # terun schedule, exported from \(options.schedulePath)
      # Install with: crontab FILE (or copy to /etc/cron.d/ and add the user field).
      # TE_TOKEN comes from \(options.environmentFile), never from this file.
      SHELL=/bin/sh

      """
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
    }
    return ExportedFile(name: "terun.crontab", contents: text)
  }
}
