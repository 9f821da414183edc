import Foundation

/// The program a run executes: by default the terun binary itself, so a run is
/// `terun run RUNBOOK key=value ...` in its own process.
public struct ChildCommand: Sendable, Equatable {
  /// The executable, absolute.
  public var executable: String
  /// Arguments placed before the job's `run RUNBOOK key=value ...`.
  public var leadingArguments: [String]

  public init(executable: String, leadingArguments: [String] = []) {
    self.executable = executable
    self.leadingArguments = leadingArguments
  }

  /// The running terun binary: `/proc/self/exe`, else `argv[0]` resolved against the `PATH`.
  public static func currentTerun() -> ChildCommand {
    if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
      return ChildCommand(executable: resolved)
    }
    let first = CommandLine.arguments.first ?? "terun"
    if first.contains("/") { return ChildCommand(executable: ScheduleFile.absolute(first)) }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for folder in path.split(separator: ":") {
      let candidate = (String(folder) as NSString).appendingPathComponent(first)
      if FileManager.default.isExecutableFile(atPath: candidate) {
        return ChildCommand(executable: candidate)
      }
    }
    return ChildCommand(executable: first)
  }
}

/// Runs one job once, as the scheduler does: a child process with its own log file under
/// `<state>/logs/<job>/`, a history record written when it starts and completed when it ends,
/// and the job's failure notifications.
public struct JobRunner: Sendable {
  /// What a run executes.
  public var command: ChildCommand
  /// Where logs go.
  public var state: StateDirectory
  /// Where runs are recorded.
  public var history: HistoryStore
  /// How failures are announced.
  public var notifier: FailureNotifier
  /// The time source for the records.
  public var clock: any SchedulerClock
  /// Seconds between SIGTERM and SIGKILL when a run is stopped.
  public var killGrace: TimeInterval
  /// Where progress lines go (the daemon's stderr).
  public var log: @Sendable (String) -> Void

  public init(
    command: ChildCommand, state: StateDirectory, history: HistoryStore,
    notifier: FailureNotifier = FailureNotifier(), clock: any SchedulerClock = SystemClock(),
    killGrace: TimeInterval = 5, log: @escaping @Sendable (String) -> Void = { _ in }
  ) {
    self.command = command
    self.state = state
    self.history = history
    self.notifier = notifier
    self.clock = clock
    self.killGrace = killGrace
    self.log = log
  }

  /// Starts `job` now; the returned run is already recorded as `running`.
  public func start(
    _ job: ScheduleJob, workingDirectory: String, trigger: RunTrigger, scheduledFor: Date?
  ) -> StartedRun {
    let started = clock.now()
    let logPath = newLogPath(job: job.name, at: started)
    var environment = ProcessInfo.processInfo.environment
    environment["TERUN_JOB"] = job.name
    environment["TERUN_STATE_DIR"] = state.path
    let child = ChildProcess(
      executable: command.executable, arguments: command.leadingArguments + job.runArguments,
      environment: environment, workingDirectory: workingDirectory, logPath: logPath, killGrace: killGrace)
    var record = RunRecord(
      job: job.name, trigger: trigger, scheduledFor: scheduledFor, start: started, status: .running,
      logPath: logPath)
    do {
      record = try history.insert(record)
    } catch {
      log("\(job.name): cannot record the run in \(history.path): \(error)")
    }
    child.start(timeout: job.timeout.seconds)
    log("\(job.name): started (\(trigger.rawValue), pid \(child.processIdentifier), log \(logPath))")
    return StartedRun(
      job: job, record: record, child: child, runner: self, workingDirectory: workingDirectory)
  }

  /// Runs `job` now and waits for it: what `terun schedule run --job` does.
  public func run(_ job: ScheduleJob, workingDirectory: String, trigger: RunTrigger = .manual) async
    -> RunRecord
  {
    await start(job, workingDirectory: workingDirectory, trigger: trigger, scheduledFor: nil).wait()
  }

  /// Records that a start was skipped because the previous run was still going.
  @discardableResult
  public func recordSkipped(_ job: ScheduleJob, scheduledFor: Date?, trigger: RunTrigger, reason: String)
    -> RunRecord
  {
    let now = clock.now()
    var record = RunRecord(
      job: job.name, trigger: trigger, scheduledFor: scheduledFor, start: now, end: now, status: .skipped,
      detail: reason)
    do {
      record = try history.insert(record)
    } catch {
      log("\(job.name): cannot record the skipped run: \(error)")
    }
    log("\(job.name): skipped (\(reason))")
    return record
  }

  func finish(_ run: StartedRun, outcome: ChildOutcome) async -> RunRecord {
    var record = run.record
    record.end = clock.now()
    switch outcome {
    case .exited(let code):
      record.exitCode = code
      record.status = code == 0 ? .ok : .failed
    case .signaled(let signal):
      record.status = .failed
      record.detail = "killed by signal \(signal)"
    case .timedOut:
      record.status = .timeout
      record.detail = "stopped after the job's timeout of \(run.job.timeout)"
    case .interrupted:
      record.status = .interrupted
      record.detail = "stopped when the scheduler shut down"
    case .launchFailed(let reason):
      record.status = .failed
      record.detail = reason
    }
    if let logPath = record.logPath { record.planSummary = JobRunner.planSummary(logPath: logPath) }
    do {
      if record.id != nil { try history.update(record) } else { record = try history.insert(record) }
    } catch {
      log("\(run.job.name): cannot record the end of the run: \(error)")
    }
    let code = record.exitCode.map { " exit \($0)" } ?? ""
    log("\(run.job.name): \(record.status.rawValue)\(code)\(record.detail.map { " (\($0))" } ?? "")")
    if record.isFailure {
      for problem in await notifier.notify(
        job: run.job, record: record, workingDirectory: run.workingDirectory)
      {
        log("\(run.job.name): notification: \(problem)")
      }
    }
    return record
  }

  /// The last line of the log that starts with `Plan:`, if any (read from the log's last MiB).
  public static func planSummary(logPath: String) -> String? {
    guard let handle = FileHandle(forReadingAtPath: logPath) else { return nil }
    defer { try? handle.close() }
    let size = (try? handle.seekToEnd()) ?? 0
    let window: UInt64 = 1 << 20
    try? handle.seek(toOffset: size > window ? size - window : 0)
    guard let data = try? handle.readToEnd(), let text = String(data: data, encoding: .utf8) else {
      return nil
    }
    return text.split(whereSeparator: \.isNewline).last { $0.hasPrefix("Plan:") }.map {
      String($0.trimmingCharacters(in: .whitespaces))
    }
  }

  private func newLogPath(job: String, at date: Date) -> String {
    let folder = state.logFolder(job: job)
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let stamp = Timestamps.fileStamp(date)
    var path = (folder as NSString).appendingPathComponent("\(stamp).log")
    var counter = 2
    while FileManager.default.fileExists(atPath: path) {
      path = (folder as NSString).appendingPathComponent("\(stamp)-\(counter).log")
      counter += 1
    }
    return path
  }
}

/// A run in progress.
public final class StartedRun: Sendable {
  /// The job, as it was when the run started.
  public let job: ScheduleJob
  /// Its history record as of the start.
  public let record: RunRecord
  /// The folder the run works in.
  public let workingDirectory: String
  private let child: ChildProcess
  private let runner: JobRunner

  init(job: ScheduleJob, record: RunRecord, child: ChildProcess, runner: JobRunner, workingDirectory: String)
  {
    self.job = job
    self.record = record
    self.child = child
    self.runner = runner
    self.workingDirectory = workingDirectory
  }

  /// Waits for the child, records the end, notifies on failure, and returns the final record.
  public func wait() async -> RunRecord {
    let outcome = await child.wait()
    return await runner.finish(self, outcome: outcome)
  }

  /// Stops the child (SIGTERM, then SIGKILL); it will be recorded as interrupted.
  public func interrupt() { child.interrupt() }
}
