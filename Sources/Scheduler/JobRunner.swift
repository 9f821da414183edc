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

/// Runs one job, as the scheduler does: a child process with its own log file under
/// `<state>/logs/<job>/` and its own output folder (`--out-dir`), a history record per attempt
/// written when it starts and completed when it ends, retries with exponential backoff, the
/// job's notifications, and retention of old runs' files.
public struct JobRunner: Sendable {
  /// What a run executes.
  public var command: ChildCommand
  /// Where logs go.
  public var state: StateDirectory
  /// Where runs are recorded.
  public var history: HistoryStore
  /// How runs' ends are announced.
  public var notifier: RunNotifier
  /// The time source for the records.
  public var clock: any SchedulerClock
  /// Seconds between SIGTERM and SIGKILL when a run is stopped.
  public var killGrace: TimeInterval
  /// Where progress lines go (the daemon's stderr).
  public var log: @Sendable (String) -> Void
  /// A file holding the API token, passed to each run as `--token-file` (so the token need not
  /// be in the environment).
  public var tokenFile: String?

  public init(
    command: ChildCommand, state: StateDirectory, history: HistoryStore,
    notifier: RunNotifier = RunNotifier(), clock: any SchedulerClock = SystemClock(),
    killGrace: TimeInterval = 5, tokenFile: String? = nil,
    log: @escaping @Sendable (String) -> Void = { _ in }
  ) {
    self.command = command
    self.state = state
    self.history = history
    self.notifier = notifier
    self.clock = clock
    self.killGrace = killGrace
    self.tokenFile = tokenFile
    self.log = log
  }

  /// Starts attempt `attempt` of `job` now; the returned run is already recorded as `running`.
  public func start(
    _ job: ScheduleJob, workingDirectory: String, trigger: RunTrigger, scheduledFor: Date?, attempt: Int = 1
  ) -> StartedRun {
    let started = clock.now()
    let (logPath, stamp) = newLogPath(job: job.name, at: started)
    let outDir = outputFolder(job: job, stamp: stamp)
    var environment = ProcessInfo.processInfo.environment
    environment["TERUN_JOB"] = job.name
    environment["TERUN_STATE_DIR"] = state.path
    environment["TERUN_ATTEMPT"] = String(attempt)
    var arguments = command.leadingArguments + job.runArguments + ["--out-dir", outDir]
    if let tokenFile { arguments += ["--token-file", tokenFile] }
    let child = ChildProcess(
      executable: command.executable, arguments: arguments,
      environment: environment, workingDirectory: workingDirectory, logPath: logPath, killGrace: killGrace)
    var record = RunRecord(
      job: job.name, trigger: trigger, scheduledFor: scheduledFor, start: started, status: .running,
      logPath: logPath, attempt: attempt, outDir: outDir)
    do {
      record = try history.insert(record)
    } catch {
      log("\(job.name): cannot record the run in \(history.path): \(error)")
    }
    child.start(timeout: job.timeout.seconds)
    let tries = attempt > 1 ? ", attempt \(attempt) of \(job.retries + 1)" : ""
    log("\(job.name): started (\(trigger.rawValue)\(tries), pid \(child.processIdentifier), log \(logPath))")
    return StartedRun(
      job: job, record: record, child: child, runner: self, workingDirectory: workingDirectory)
  }

  /// Runs `job` now and waits for it, retries included: what `terun schedule run --job` does.
  public func run(_ job: ScheduleJob, workingDirectory: String, trigger: RunTrigger = .manual) async
    -> RunRecord
  {
    await execute(job, workingDirectory: workingDirectory, trigger: trigger, scheduledFor: nil)
  }

  /// Runs `job` until an attempt succeeds, fails in a way a retry cannot help, or its retries
  /// are spent; then sends the job's notifications about the last attempt, prunes old runs'
  /// files, and returns the last attempt's record.
  ///
  /// - `started` sees each attempt as it starts (the daemon keeps it to stop it at shutdown).
  /// - `retryAllowed` is asked before each retry; the wait before it is on `clock`, and ends
  ///   the retries early when the task is cancelled.
  /// - `retrying` is told of each retry as it is decided.
  public func execute(
    _ job: ScheduleJob, workingDirectory: String, trigger: RunTrigger, scheduledFor: Date?,
    started: @Sendable (StartedRun) async -> Void = { _ in },
    retryAllowed: @Sendable () async -> Bool = { true },
    retrying: @Sendable (RunRecord) async -> Void = { _ in }
  ) async -> RunRecord {
    var attempt = 1
    var record: RunRecord
    while true {
      let run = start(
        job, workingDirectory: workingDirectory, trigger: trigger, scheduledFor: scheduledFor,
        attempt: attempt)
      await started(run)
      record = await run.wait()
      guard record.isRetryable, attempt <= job.retries, await retryAllowed() else { break }
      let delay = job.delay(beforeRetry: attempt)
      log("\(job.name): attempt \(attempt) \(record.status.rawValue); retrying in \(Int(delay.rounded()))s")
      await retrying(record)
      do {
        try await clock.sleep(until: clock.now().addingTimeInterval(delay))
      } catch {
        log("\(job.name): retries stopped (the scheduler is stopping)")
        break
      }
      guard await retryAllowed() else { break }
      attempt += 1
    }
    // In a task of its own: the daemon cancels executions when it stops (to end retry
    // waits), and the notification about the last attempt must still go out.
    let notifier = self.notifier
    let final = record
    let problems = await Task {
      await notifier.notify(job: job, record: final, workingDirectory: workingDirectory)
    }.value
    for problem in problems { log("\(job.name): notification: \(problem)") }
    prune(job)
    return record
  }

  /// Deletes the logs and output files of `job`'s runs that its `keep` and `keep_for` no longer
  /// cover, and marks those runs as pruned in the history. Only files inside the state folder
  /// or the job's own output folder are ever deleted.
  public func prune(_ job: ScheduleJob) {
    let cutoff = job.keepFor.map { clock.now().addingTimeInterval(-$0.seconds) }
    let stale: [RunRecord]
    do {
      stale = try history.runsToPrune(job: job.name, keep: job.keep, startedBefore: cutoff)
    } catch {
      log("\(job.name): cannot read the history to prune old runs: \(error)")
      return
    }
    let roots = [state.path, job.outDirectoryPath].compactMap { $0 }.map(Self.resolved)
    for var record in stale {
      for path in [record.logPath, record.logPath.map { $0 + ".notify" }, record.outDir].compactMap({ $0 }) {
        let real = Self.resolved(path)
        guard roots.contains(where: { real.hasPrefix($0 + "/") }) else {
          log("\(job.name): not pruning \(path): outside the state and output folders")
          continue
        }
        try? FileManager.default.removeItem(atPath: path)
      }
      record.prunedAt = clock.now()
      do {
        try history.update(record)
      } catch {
        log("\(job.name): cannot record the pruning of run \(record.id ?? 0): \(error)")
      }
    }
    if !stale.isEmpty { log("\(job.name): pruned the files of \(stale.count) old run(s)") }
  }

  private static func resolved(_ path: String) -> String {
    (path as NSString).resolvingSymlinksInPath
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

  /// A new log file's path and its unique stamp (`20261127T040000Z`, then `...Z-2`).
  private func newLogPath(job: String, at date: Date) -> (String, String) {
    let folder = state.logFolder(job: job)
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let base = Timestamps.fileStamp(date)
    var stamp = base
    var path = (folder as NSString).appendingPathComponent("\(stamp).log")
    var counter = 2
    while FileManager.default.fileExists(atPath: path) {
      stamp = "\(base)-\(counter)"
      path = (folder as NSString).appendingPathComponent("\(stamp).log")
      counter += 1
    }
    return (path, stamp)
  }

  /// The run's own output folder, `<out_dir or state/outputs/job>/<stamp>`, created.
  private func outputFolder(job: ScheduleJob, stamp: String) -> String {
    let base = job.outDirectoryPath ?? state.outputFolder(job: job.name)
    let folder = (base as NSString).appendingPathComponent(stamp)
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      log("\(job.name): cannot create the output folder \(folder): \(error)")
    }
    return folder
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

  /// Waits for the child, records the end, and returns the final record (notifications and
  /// retries are `JobRunner.execute`'s).
  public func wait() async -> RunRecord {
    let outcome = await child.wait()
    return await runner.finish(self, outcome: outcome)
  }

  /// Stops the child (SIGTERM, then SIGKILL); it will be recorded as interrupted.
  public func interrupt() { child.interrupt() }
}
