import Foundation

/// The single-machine scheduler behind `terun schedule serve`.
///
/// - Each run is a child process (see `JobRunner`), so a crashing runbook cannot take it down.
/// - A job never overlaps itself: with `overlap: skip` a start that finds the previous run going
///   is recorded as skipped; with `overlap: queue` it runs once right after, and further starts
///   meanwhile are recorded as skipped.
/// - On start, a job whose next slot after its last recorded one has passed (a run missed while
///   the daemon was down) runs once, unless its `catch_up` is `none`.
/// - `stop(grace:)` lets running jobs finish for up to `grace` seconds, then stops them.
/// - `reload(_:)` swaps in a new schedule; running jobs go on.
/// - A failed run is retried as its job's `retries` says; the job counts as running (no
///   overlap) until its last attempt ends. Stopping ends the wait before a retry.
/// - `runNow(_:)` starts a job at once (the status page's "run now").
public actor ScheduleDaemon {
  private var file: ScheduleFile
  private let runner: JobRunner
  private let clock: any SchedulerClock
  private let log: @Sendable (String) -> Void
  private let metrics: ScheduleMetrics?
  private var executions: [String: Task<Void, Never>] = [:]

  private var nextDue: [String: Date] = [:]
  private var running: [String: StartedRun] = [:]
  private var queued: [String: Date] = [:]
  private var stopping = false
  private var grace: TimeInterval = 30
  private var sleeper: Task<Void, Never>?
  private var completed = 0

  /// A daemon for `file` that runs jobs with `runner`; `clock` decides when jobs are due.
  public init(
    file: ScheduleFile, runner: JobRunner, clock: any SchedulerClock, metrics: ScheduleMetrics? = nil,
    log: @escaping @Sendable (String) -> Void = { _ in }
  ) {
    self.file = file
    self.runner = runner
    self.clock = clock
    self.metrics = metrics
    self.log = log
  }

  /// The schedule file in force.
  public var scheduleFile: ScheduleFile { file }

  /// Whether `stop(grace:)` was called.
  public var isStopping: Bool { stopping }

  /// What `runNow(_:)` did.
  public enum RunNowOutcome: Sendable, Equatable {
    /// The job started.
    case started
    /// No job has that name.
    case unknownJob
    /// The job is running (or waiting to retry); it never overlaps itself.
    case alreadyRunning
    /// The daemon is stopping and starts nothing.
    case stopping
  }

  /// Starts the job named `name` now, unless it is running.
  public func runNow(_ name: String) -> RunNowOutcome {
    guard !stopping else { return .stopping }
    guard let job = file.job(named: name) else { return .unknownJob }
    guard running[name] == nil, executions[name] == nil else { return .alreadyRunning }
    log("\(name): run now (requested on the status page)")
    launch(job, trigger: .manual, slot: nil)
    return .started
  }

  /// Names of the jobs running now.
  public var runningJobs: [String] { running.keys.sorted() }

  /// How many runs have finished since the daemon started (for tests and status lines).
  public var completedRuns: Int { completed }

  /// When each job is next due.
  public var schedule: [String: Date] { nextDue }

  /// Runs until `stop(grace:)`, then waits for running jobs (up to the grace period) and returns.
  public func run() async {
    let now = clock.now()
    do {
      let closed = try runner.history.closeAbandonedRuns(at: now)
      if closed > 0 { log("marked \(closed) run(s) left running by a previous scheduler as interrupted") }
    } catch {
      log("cannot read the history: \(error)")
    }
    metrics?.track(file.jobs.map(\.name), history: runner.history)
    for job in file.jobs {
      nextDue[job.name] = job.cron.nextRun(after: now, in: job.timeZone)
      catchUp(job, now: now)
    }
    publishNextRuns()
    log("scheduling \(file.jobs.count) job(s) from \(file.path ?? "the schedule")")
    while !stopping {
      fireDueJobs()
      publishNextRuns()
      if stopping { break }
      let wake = nextDue.values.min() ?? clock.now().addingTimeInterval(3600)
      let clock = self.clock
      let task = Task { _ = try? await clock.sleep(until: wake) }
      sleeper = task
      await task.value
      sleeper = nil
    }
    await drain()
    log("stopped")
  }

  /// Asks the daemon to stop: no new runs; running ones get `grace` seconds to finish.
  public func stop(grace: TimeInterval) {
    guard !stopping else { return }
    self.grace = grace
    stopping = true
    log("stopping: waiting up to \(Int(grace))s for \(running.count) running job(s)")
    for (name, slot) in queued {
      if let job = file.job(named: name) {
        runner.recordSkipped(job, scheduledFor: slot, trigger: .queued, reason: "the scheduler stopped first")
      }
    }
    queued.removeAll()
    for execution in executions.values { execution.cancel() }
    sleeper?.cancel()
  }

  /// Replaces the schedule. Jobs whose definition changed are rescheduled from now; running
  /// runs go on with the definition they started with.
  public func reload(_ newFile: ScheduleFile) {
    let now = clock.now()
    let old = Dictionary(uniqueKeysWithValues: file.jobs.map { ($0.name, $0) })
    var due: [String: Date] = [:]
    for job in newFile.jobs {
      if let previous = old[job.name], previous == job, let kept = nextDue[job.name] {
        due[job.name] = kept
      } else {
        due[job.name] = job.cron.nextRun(after: now, in: job.timeZone)
      }
    }
    for name in queued.keys where !due.keys.contains(name) { queued.removeValue(forKey: name) }
    file = newFile
    nextDue = due
    metrics?.track(newFile.jobs.map(\.name), history: runner.history)
    publishNextRuns()
    log("reloaded: \(newFile.jobs.count) job(s)")
    sleeper?.cancel()
  }

  private func catchUp(_ job: ScheduleJob, now: Date) {
    guard job.catchUp == .once else { return }
    let last: Date?
    do {
      last = try runner.history.lastSlot(job: job.name)
    } catch {
      log("\(job.name): cannot read the history for missed runs: \(error)")
      return
    }
    guard let last, let missed = job.cron.nextRun(after: last, in: job.timeZone), missed <= now else {
      return
    }
    log("\(job.name): missed the run of \(Timestamps.iso(missed, in: job.timeZone)); running it now")
    launch(job, trigger: .catchUp, slot: missed)
  }

  private func fireDueJobs() {
    let now = clock.now()
    for job in file.jobs {
      guard let due = nextDue[job.name], due <= now else { continue }
      nextDue[job.name] = job.cron.nextRun(after: max(now, due), in: job.timeZone)
      trigger(job, slot: due)
    }
  }

  private func publishNextRuns() {
    guard let metrics else { return }
    for (name, date) in nextDue { metrics.setNextRun(job: name, at: date) }
  }

  private func trigger(_ job: ScheduleJob, slot: Date) {
    guard let current = running[job.name] else {
      if executions[job.name] != nil {
        runner.recordSkipped(
          job, scheduledFor: slot, trigger: .schedule, reason: "the previous run is waiting to retry")
        metrics?.finished(job: job.name, status: .skipped, duration: nil, at: clock.now())
        return
      }
      launch(job, trigger: .schedule, slot: slot)
      return
    }
    let since = Timestamps.iso(current.record.start)
    switch job.overlap {
    case .skip:
      runner.recordSkipped(
        job, scheduledFor: slot, trigger: .schedule, reason: "the run started at \(since) is still going")
      metrics?.finished(job: job.name, status: .skipped, duration: nil, at: clock.now())
    case .queue:
      if queued[job.name] == nil {
        queued[job.name] = slot
        log("\(job.name): queued behind the run started at \(since)")
      } else {
        runner.recordSkipped(job, scheduledFor: slot, trigger: .schedule, reason: "a run is already queued")
        metrics?.finished(job: job.name, status: .skipped, duration: nil, at: clock.now())
      }
    }
  }

  private func launch(_ job: ScheduleJob, trigger: RunTrigger, slot: Date?) {
    let runner = self.runner
    let directory = file.directory
    let metrics = self.metrics
    let clock = self.clock
    executions[job.name] = Task { [self] in
      let record = await runner.execute(
        job, workingDirectory: directory, trigger: trigger, scheduledFor: slot,
        started: { run in await self.attemptStarted(run) },
        retryAllowed: { await !self.isStopping },
        retrying: { record in
          await self.attemptEnded(record)
          metrics?.retried(job: job.name)
        })
      metrics?.finished(job: job.name, status: record.status, duration: record.duration, at: clock.now())
      await self.finished(job.name, record: record)
    }
  }

  private func attemptStarted(_ run: StartedRun) {
    running[run.job.name] = run
  }

  /// An attempt ended and a retry will follow: the job is no longer running, but still busy.
  private func attemptEnded(_ record: RunRecord) {
    running.removeValue(forKey: record.job)
    metrics?.finished(job: record.job, status: record.status, duration: record.duration, at: clock.now())
  }

  private func finished(_ name: String, record: RunRecord) {
    running.removeValue(forKey: name)
    executions.removeValue(forKey: name)
    completed += 1
    guard !stopping, let slot = queued.removeValue(forKey: name), let job = file.job(named: name) else {
      return
    }
    launch(job, trigger: .queued, slot: slot)
  }

  private func drain() async {
    let deadline = clock.now().addingTimeInterval(grace)
    while !executions.isEmpty && clock.now() < deadline {
      try? await Task.sleep(for: .milliseconds(50))
    }
    if !running.isEmpty {
      log("grace period over: stopping \(runningJobs.joined(separator: ", "))")
      for run in running.values { run.interrupt() }
    }
    while !executions.isEmpty {
      try? await Task.sleep(for: .milliseconds(50))
    }
  }
}
