import ArgumentParser
import AtomicFile
import Foundation
import Runbook
import Scheduler

/// `terun schedule export FILE --to systemd|cron|kubernetes [--out DIR]`.
struct ScheduleExportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write the schedule as systemd units, crontab lines or Kubernetes CronJobs.",
    discussion: """
      systemd: terun-JOB.service and terun-JOB.timer per job (Persistent=, oneshot: no overlap). \
      cron: terun.crontab (flock -n, CRON_TZ). kubernetes: terun-cronjobs.yaml (batch/v1 \
      CronJob, concurrencyPolicy: Forbid, timeZone, TE_TOKEN from a Secret). Without --out the \
      files are printed. See docs/schedule.md for what each form cannot express.
      """)

  @Argument(help: "The schedule file (YAML).")
  var file: String

  @Option(help: "The target: systemd, cron or kubernetes.")
  var to: String

  @Option(help: ArgumentHelp("Write the files into this folder.", valueName: "folder"))
  var out: String?

  @Option(help: "The terun binary on the target machine (systemd, cron).")
  var terunPath = "/usr/local/bin/terun"

  @Option(help: "The schedule file on the target machine (default: FILE, absolute).")
  var schedulePath: String?

  @Option(help: "TERUN_STATE_DIR on the target machine (systemd, cron).")
  var stateDir = "/var/lib/terun"

  @Option(help: "The file holding TE_TOKEN=... on the target machine (systemd, cron).")
  var envFile = "/etc/terun/terun.env"

  @Option(help: "The container image (kubernetes).")
  var image = "terun:latest"

  @Option(help: "The Secret holding the token (kubernetes).")
  var secret = "terun-token"

  @Option(help: "The key of the token in the Secret (kubernetes).")
  var secretKey = "token"

  func run() async throws {
    guard let target = ExportTarget(rawValue: to) else {
      throw CommandFailure(.usage, "--to must be systemd, cron or kubernetes, got '\(to)'")
    }
    let schedule = try ScheduleSupport.load(file)
    var options = ExportOptions(schedulePath: schedulePath ?? schedule.path ?? ScheduleSupport.absolute(file))
    options.terunPath = terunPath
    options.stateDirectory = stateDir
    options.environmentFile = envFile
    options.image = image
    options.secretName = secret
    options.secretKey = secretKey
    let files = try ScheduleExporter.export(schedule, to: target, options: options)
    guard let out else {
      for exported in files {
        if files.count > 1 { print("# ==> \(exported.name) <==") }
        print(exported.contents, terminator: "")
      }
      return
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw CommandFailure(.usage, "--out \(out): no such folder")
    }
    for exported in files {
      let path = (out as NSString).appendingPathComponent(exported.name)
      do {
        try AtomicFile.replace(path, with: Array(exported.contents.utf8))
      } catch let error as AtomicFileError {
        throw CommandFailure(.runbookError, error.description)
      }
      print(path)
    }
  }
}
