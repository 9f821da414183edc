import Foundation

/// A file an exporter writes.
public struct ExportedFile: Sendable, Equatable {
  /// The file name, without folder.
  public var name: String
  /// Its contents.
  public var contents: String
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
  /// `TERUN_STATE_DIR` on the target machine.
  public var stateDirectory: String = "/var/lib/terun"
  /// A file of `KEY=value` lines holding `TE_TOKEN` (systemd `EnvironmentFile=`, sourced by cron).
  public var environmentFile: String = "/etc/terun/terun.env"
  /// The container image (Kubernetes).
  public var image: String = "terun:latest"
  /// The Secret holding the token, and its key (Kubernetes).
  public var secretName: String = "terun-token"
  public var secretKey: String = "token"

  public init(schedulePath: String) { self.schedulePath = schedulePath }
}

/// Writes a schedule for other schedulers.
public enum ScheduleExporter {
  /// The files for `target`.
  public static func export(_ file: ScheduleFile, to target: ExportTarget, options: ExportOptions) throws
    -> [ExportedFile]
  {
    switch target {
    case .systemd: return file.jobs.flatMap { SystemdExport.units(for: $0, options: options) }
    case .cron: return [CronExport.crontab(for: file, options: options)]
    case .kubernetes: return [try KubernetesExport.manifest(for: file, options: options)]
    }
  }

  /// Quotes `word` for `/bin/sh` when it needs it.
  static func shellQuoted(_ word: String) -> String {
    let safe = CharacterSet(
      charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,@+")
    if !word.isEmpty && word.unicodeScalars.allSatisfy({ safe.contains($0) }) { return word }
    return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
