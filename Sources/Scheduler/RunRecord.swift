import Foundation
import GRDB

/// How a run ended.
public enum RunStatus: String, Sendable, Codable, CaseIterable {
  /// Started and not yet finished (or the scheduler died while it ran).
  case running
  /// Exit code 0.
  case ok
  /// A non-zero exit code, or the child could not be started.
  case failed
  /// Killed after the job's timeout.
  case timeout
  /// Not started: the previous run was still going (overlap: skip).
  case skipped
  /// Killed when the daemon stopped and the grace period ran out.
  case interrupted
}

/// Why a run happened.
public enum RunTrigger: String, Sendable, Codable, CaseIterable {
  /// Its scheduled time came.
  case schedule
  /// `terun schedule run --job`.
  case manual
  /// A run missed while the daemon was down, made up at start.
  case catchUp = "catch-up"
  /// Queued behind an overlapping run (overlap: queue).
  case queued
}

/// One row of the run history.
public struct RunRecord: Sendable, Equatable, Codable, FetchableRecord, MutablePersistableRecord {
  public static let databaseTableName = "run"

  /// Row id.
  public var id: Int64?
  /// The job's name.
  public var job: String
  /// Why it ran.
  public var trigger: RunTrigger
  /// The schedule slot it stands for (nil for manual runs).
  public var scheduledFor: Date?
  /// When the child started (or the skip was decided).
  public var start: Date
  /// When it ended; nil while running.
  public var end: Date?
  /// The child's exit code; nil if it was killed by a signal, skipped or never started.
  public var exitCode: Int32?
  /// How it ended.
  public var status: RunStatus
  /// The last line of the output starting with `Plan:` (dry-run jobs), if any.
  public var planSummary: String?
  /// The log file, absolute.
  public var logPath: String?
  /// A short explanation for failures that have no exit code (could not start, killed).
  public var detail: String?
  /// Which try of the run this is: 1, then 2 for the first retry, and so on.
  public var attempt: Int
  /// The folder the run wrote its output files to, absolute.
  public var outDir: String?
  /// When retention (`keep`, `keep_for`) deleted the run's log and output files.
  public var prunedAt: Date?

  public init(
    id: Int64? = nil, job: String, trigger: RunTrigger, scheduledFor: Date?, start: Date, end: Date? = nil,
    exitCode: Int32? = nil, status: RunStatus, planSummary: String? = nil, logPath: String? = nil,
    detail: String? = nil, attempt: Int = 1, outDir: String? = nil, prunedAt: Date? = nil
  ) {
    self.id = id
    self.job = job
    self.trigger = trigger
    self.scheduledFor = scheduledFor
    self.start = start
    self.end = end
    self.exitCode = exitCode
    self.status = status
    self.planSummary = planSummary
    self.logPath = logPath
    self.detail = detail
    self.attempt = attempt
    self.outDir = outDir
    self.prunedAt = prunedAt
  }

  enum CodingKeys: String, CodingKey {
    case id, job, trigger, start, end, status, detail, attempt
    case outDir = "out_dir"
    case prunedAt = "pruned_at"
    case scheduledFor = "scheduled_for"
    case exitCode = "exit_code"
    case planSummary = "plan_summary"
    case logPath = "log_path"
  }

  public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

  /// Whether the run counts as a failure worth a notification.
  public var isFailure: Bool { status == .failed || status == .timeout || status == .interrupted }

  /// Whether a retry may help: the run failed with exit 1 (runbook error) or 3 (a limit), or
  /// hit the job's timeout (which `terun schedule run` reports as 3). Never exit 2 (usage) or
  /// 4 (authentication), which would fail the same way again.
  public var isRetryable: Bool {
    switch status {
    case .failed: return exitCode == 1 || exitCode == 3
    case .timeout: return true
    default: return false
    }
  }

  /// How long the run took, once it ended.
  public var duration: TimeInterval? { end.map { $0.timeIntervalSince(start) } }
}
