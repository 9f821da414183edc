import Foundation

/// A file an exporter writes.
public struct ExportedFile: Sendable, Equatable {
  /// The file name, without folder.
  public var name: String
  /// Its contents.
  public var contents: String
}

/// What an export produced: the files, and per job what the target cannot express.
public struct ExportResult: Sendable, Equatable {
  /// The files to write.
  public var files: [ExportedFile]
  /// One warning per job and feature the target cannot express (or expresses differently).
  public var warnings: [ScheduleProblem]
}

/// An export that cannot be written, with the reason.
public struct ExportError: Error, Equatable, CustomStringConvertible {
  /// What is wrong, control characters shown escaped.
  public var message: String

  public init(_ message: String) { self.message = ControlCharacters.escaped(message) }

  public var description: String { message }
}

/// Where `terun schedule export` writes for: systemd units, crontab lines or Kubernetes CronJobs.
public enum ExportTarget: String, Sendable, CaseIterable {
  case systemd, cron, kubernetes
}

/// Settings of the machines an export is for.
public struct ExportOptions: Sendable, Equatable {
  /// The terun binary on the target machine.
  public var terunPath: String = "/usr/local/bin/terun"
  /// The schedule file on the target machine (systemd and cron run `terun schedule run` on it).
  public var schedulePath: String
  /// `TERUN_STATE_DIR` on the target machine (systemd: under `/var/lib`, its `StateDirectory=`).
  public var stateDirectory: String = "/var/lib/terun"
  /// A file of `KEY=value` lines holding `TE_TOKEN`, sourced by cron.
  public var environmentFile: String = "/etc/terun/terun.env"
  /// The file holding the token on the target machine, handed to the service by systemd's
  /// `LoadCredential=`.
  public var tokenFile: String = "/etc/terun/token"
  /// The account systemd runs jobs as; nil for `DynamicUser=yes`.
  public var user: String?
  /// The container image (Kubernetes): pinned, never `:latest`.
  public var image: String
  /// The Secret holding the token, and its key (Kubernetes).
  public var secretName: String = "terun-token"
  public var secretKey: String = "token"
  /// The PersistentVolumeClaim runs write their output to (Kubernetes); nil for an emptyDir.
  public var persistentVolumeClaim: String?
  /// The machine's time zone, for cron's `CRON_TZ` warning.
  public var machineTimeZone: String = TimeZone.current.identifier

  /// Options for `schedulePath`, with the image `terun:<version>`.
  public init(schedulePath: String, terunVersion: String) {
    self.schedulePath = schedulePath
    self.image = "terun:\(terunVersion)"
  }

  /// Every option that ends up in an exported file, with its flag, for checks.
  var fields: [(String, String)] {
    [
      ("--terun-path", terunPath), ("--schedule-path", schedulePath), ("--state-dir", stateDirectory),
      ("--env-file", environmentFile), ("--token-file", tokenFile), ("--user", user ?? ""),
      ("--image", image), ("--secret", secretName), ("--secret-key", secretKey),
      ("--pvc", persistentVolumeClaim ?? ""),
    ]
  }
}

/// Writes a schedule for other schedulers.
public enum ScheduleExporter {
  /// The container's memory beyond the job's `max_memory` (the Lua state's cap): the Swift
  /// runtime, HTTP client buffers and the process itself.
  public static let memoryOverheadMiB = 128

  /// The files for `target`, and what it cannot express.
  ///
  /// - Throws: `ExportError` when an option holds a control character, the image is not pinned,
  ///   or a job would write a control character into a file. No exported file ever holds a
  ///   control character other than its line breaks.
  public static func export(_ file: ScheduleFile, to target: ExportTarget, options: ExportOptions) throws
    -> ExportResult
  {
    for (flag, value) in options.fields {
      if let found = ControlCharacters.first(in: value) {
        throw ExportError(
          "\(flag) '\(value)' contains the control character \(ControlCharacters.name(found))")
      }
    }
    for job in file.jobs {
      if let problem = job.controlCharacterProblem { throw ExportError(problem.description) }
    }
    var result: ExportResult
    switch target {
    case .systemd: result = try SystemdExport.export(file, options: options)
    case .cron: result = CronExport.export(file, options: options)
    case .kubernetes: result = try KubernetesExport.export(file, options: options)
    }
    for exported in result.files {
      let stray = exported.contents.unicodeScalars.first { $0 != "\n" && ControlCharacters.isControl($0) }
      if let stray {
        throw ExportError(
          "\(exported.name) would hold the control character \(ControlCharacters.name(stray)); nothing written"
        )
      }
    }
    return result
  }

  /// Quotes `word` for `/bin/sh` when it needs it.
  static func shellQuoted(_ word: String) -> String {
    let safe = CharacterSet(
      charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,@+")
    if !word.isEmpty && word.unicodeScalars.allSatisfy({ safe.contains($0) }) { return word }
    return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  /// `path` made absolute against the folder of the schedule on the target machine.
  static func targetPath(_ path: String, options: ExportOptions) -> String {
    if path.hasPrefix("/") { return (path as NSString).standardizingPath }
    let folder = (options.schedulePath as NSString).deletingLastPathComponent
    return ((folder as NSString).appendingPathComponent(path) as NSString).standardizingPath
  }

  /// A warning about `job`'s `field`.
  static func warning(_ job: ScheduleJob, _ field: String, _ message: String) -> ScheduleProblem {
    ScheduleProblem(job: job.name, field: field, message: message)
  }
}

extension ScheduleJob {
  /// The first field that holds a control character, as a problem; nil when all are clean.
  /// The schedule parser refuses such files; this guards jobs built in code.
  public var controlCharacterProblem: ScheduleProblem? {
    var fields: [(String, String)] = [
      ("name", name), ("runbook", runbook), ("runbook", runbookArgument), ("cron", cron.source),
      ("timezone", timeZoneName), ("out_dir", outDirectory ?? ""),
    ]
    for parameter in parameters {
      fields.append(("params", parameter.key))
      fields.append(("params.\(parameter.key)", parameter.value))
    }
    for (field, notification) in [("on_failure", onFailure), ("on_success", onSuccess)] {
      fields.append(("\(field).command", notification?.command ?? ""))
      fields.append(("\(field).webhook", notification?.webhook?.absoluteString ?? ""))
    }
    for (field, value) in fields {
      if let found = ControlCharacters.first(in: value) {
        return ScheduleProblem(
          job: name, field: field, message: "contains the control character \(ControlCharacters.name(found))")
      }
    }
    return nil
  }
}
