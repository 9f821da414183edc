import ArgumentParser
import AtomicFile
import Foundation
import Runbook
import Scheduler
import ThousandEyes

/// `terun schedule export FILE --to systemd|cron|kubernetes [--out DIR]`.
struct ScheduleExportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write the schedule as systemd units, crontab lines or Kubernetes CronJobs.",
    discussion: """
      systemd: terun-JOB.service and terun-JOB.timer per job (hardened, DynamicUser, the token \
      by LoadCredential=). cron: terun.crontab (flock -n, CRON_TZ). kubernetes: \
      terun-cronjobs.yaml (batch/v1 CronJob, locked-down pod, pinned image, outputs on --pvc, \
      the token as a Secret file). Without --out the files are printed. What a target cannot \
      express is reported per job on stderr; see docs/schedule.md.
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

  @Option(help: "The file holding TE_TOKEN=... on the target machine (cron).")
  var envFile = "/etc/terun/terun.env"

  @Option(help: "The file holding the token on the target machine (systemd LoadCredential=).")
  var tokenFile = "/etc/terun/token"

  @Option(help: "Run the jobs as this account instead of a DynamicUser (systemd).")
  var user: String?

  @Option(
    help: "The container image, pinned (kubernetes; default terun:\(ClientConfiguration.terunVersion)).")
  var image: String?

  @Option(help: "The PersistentVolumeClaim runs write their outputs to (kubernetes; default: an emptyDir).")
  var pvc: String?

  @Option(help: "The Secret holding the token (kubernetes).")
  var secret = "terun-token"

  @Option(help: "The key of the token in the Secret (kubernetes).")
  var secretKey = "token"

  func run() async throws {
    guard let target = ExportTarget(rawValue: to) else {
      throw CommandFailure(
        .usage, "--to must be systemd, cron or kubernetes, got '\(ControlCharacters.escaped(to))'")
    }
    let schedule = try ScheduleSupport.load(file)
    var options = ExportOptions(
      schedulePath: schedulePath ?? schedule.path ?? ScheduleSupport.absolute(file),
      terunVersion: ClientConfiguration.terunVersion)
    options.terunPath = terunPath
    options.stateDirectory = stateDir
    options.environmentFile = envFile
    options.tokenFile = tokenFile
    options.user = user
    if let image { options.image = image }
    options.secretName = secret
    options.secretKey = secretKey
    options.persistentVolumeClaim = pvc
    let result: ExportResult
    do {
      result = try ScheduleExporter.export(schedule, to: target, options: options)
    } catch let error as ExportError {
      throw CommandFailure(.usage, error.message)
    }
    for warning in result.warnings {
      FileHandle.standardError.write(Data("terun: warning: \(warning)\n".utf8))
    }
    let files = result.files
    guard let out else {
      for exported in files {
        if files.count > 1 { print("# ==> \(exported.name) <==") }
        print(exported.contents, terminator: "")
      }
      return
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw CommandFailure(.usage, "--out \(ControlCharacters.escaped(out)): no such folder")
    }
    for exported in files {
      let path = (out as NSString).appendingPathComponent(exported.name)
      do {
        try AtomicFile.replace(path, with: Array(exported.contents.utf8))
      } catch let error as AtomicFileError {
        throw CommandFailure(.runbookError, error.description)
      }
      print(ControlCharacters.escaped(path))
    }
  }
}
