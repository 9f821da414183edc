import Foundation
import Runbook

/// What a job does when its previous run is still going at its next start time.
public enum OverlapPolicy: String, Sendable, Equatable, CaseIterable {
  /// Record the new run as skipped.
  case skip
  /// Run once right after the current run ends; further starts meanwhile are skipped.
  case queue
}

/// What the daemon does on start about runs it missed while it was down.
public enum CatchUpPolicy: String, Sendable, Equatable, CaseIterable {
  /// Run once at start if at least one scheduled run was missed.
  case once
  /// Do not make up missed runs.
  case none
}

/// How a run's end is announced (`on_failure`, `on_success`).
public struct RunNotification: Sendable, Equatable {
  /// A URL that receives a JSON summary by POST.
  public var webhook: URL?
  /// A command run by `/bin/sh -c`, with `TERUN_*` variables describing the run.
  public var command: String?

  public init(webhook: URL? = nil, command: String? = nil) {
    self.webhook = webhook
    self.command = command
  }
}

/// One `key=value` parameter of a job's runbook.
public struct JobParameter: Sendable, Equatable {
  public var key: String
  public var value: String

  public init(key: String, value: String) {
    self.key = key
    self.value = value
  }

  /// The argument as `terun run` takes it.
  public var argument: String { "\(key)=\(value)" }
}

/// A job of a schedule file.
public struct ScheduleJob: Sendable, Equatable {
  /// The default timeout when a job names none.
  public static let defaultTimeout = try! DurationSpec(parsing: "1h")
  /// The default wait before the first retry.
  public static let defaultRetryDelay = try! DurationSpec(parsing: "30s")
  /// The most retries a job may ask for.
  public static let maximumRetries = 10

  /// Unique name, `[a-z0-9-]`.
  public var name: String
  /// The runbook as written: a name or a path.
  public var runbook: String
  /// The runbook argument for `terun run`: a path made absolute against the schedule file's
  /// folder, or the name unchanged.
  public var runbookArgument: String
  /// Parameters in the order written.
  public var parameters: [JobParameter]
  /// When the job runs.
  public var cron: CronExpression
  /// The time zone the cron expression is read in.
  public var timeZone: TimeZone
  /// The zone's IANA name as written (`UTC` by default; Foundation on Linux calls it `GMT`).
  public var timeZoneName: String
  /// The wall-clock limit of a run.
  public var timeout: DurationSpec
  /// What happens when a start finds the previous run still going.
  public var overlap: OverlapPolicy
  /// What the daemon does about runs missed while it was down.
  public var catchUp: CatchUpPolicy
  /// How failures are announced, if at all.
  public var onFailure: RunNotification?
  /// How successful runs are announced, if at all.
  public var onSuccess: RunNotification?
  /// How many times a run that failed with exit 1 or 3 (or hit its timeout) is tried again.
  public var retries: Int
  /// The wait before the first retry; each further retry waits twice as long as the one before.
  public var retryDelay: DurationSpec
  /// Keep the logs and output files of only this many latest runs.
  public var keep: Int?
  /// Keep the logs and output files of runs only for this long.
  public var keepFor: DurationSpec?
  /// The run's `--max-memory`, if the job sets one.
  public var maxMemory: ByteSize?
  /// The folder under which each run gets its own output folder, as written (`out_dir`); nil
  /// for the state folder's `outputs/<job>`.
  public var outDirectory: String?
  /// `outDirectory` made absolute against the schedule file's folder.
  public var outDirectoryPath: String?

  public init(
    name: String, runbook: String, runbookArgument: String? = nil, parameters: [JobParameter] = [],
    cron: CronExpression, timeZone: TimeZone = TimeZone(identifier: "UTC")!, timeZoneName: String? = nil,
    timeout: DurationSpec = ScheduleJob.defaultTimeout, overlap: OverlapPolicy = .skip,
    catchUp: CatchUpPolicy = .once, onFailure: RunNotification? = nil, onSuccess: RunNotification? = nil,
    retries: Int = 0, retryDelay: DurationSpec = ScheduleJob.defaultRetryDelay, keep: Int? = nil,
    keepFor: DurationSpec? = nil, maxMemory: ByteSize? = nil, outDirectory: String? = nil,
    outDirectoryPath: String? = nil
  ) {
    self.name = name
    self.runbook = runbook
    self.runbookArgument = runbookArgument ?? runbook
    self.parameters = parameters
    self.cron = cron
    self.timeZone = timeZone
    self.timeZoneName = timeZoneName ?? (timeZone.identifier == "GMT" ? "UTC" : timeZone.identifier)
    self.timeout = timeout
    self.overlap = overlap
    self.catchUp = catchUp
    self.onFailure = onFailure
    self.onSuccess = onSuccess
    self.retries = retries
    self.retryDelay = retryDelay
    self.keep = keep
    self.keepFor = keepFor
    self.maxMemory = maxMemory
    self.outDirectory = outDirectory
    self.outDirectoryPath = outDirectoryPath ?? outDirectory
  }

  /// The arguments after the terun binary for one run: `run RUNBOOK key=value ...`, then
  /// `--max-memory SIZE` when the job sets one.
  public var runArguments: [String] {
    ["run", runbookArgument] + parameters.map(\.argument)
      + (maxMemory.map { ["--max-memory", $0.spelling] } ?? [])
  }

  /// The wait before retry number `retry` (1 for the first): `retryDelay`, doubled each time.
  public func delay(beforeRetry retry: Int) -> TimeInterval {
    retryDelay.seconds * pow(2, Double(max(0, retry - 1)))
  }

  /// The next `count` run times after `date`.
  public func nextRuns(after date: Date, count: Int) -> [Date] {
    cron.nextRuns(after: date, count: count, in: timeZone)
  }

  /// Whether `name` is a valid job name: 1-46 lower-case letters, digits and `-` (so that
  /// `terun-NAME` fits Kubernetes' 52-character CronJob names).
  public static func isValidName(_ name: String) -> Bool {
    !name.isEmpty && name.count <= 46
      && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
  }
}
