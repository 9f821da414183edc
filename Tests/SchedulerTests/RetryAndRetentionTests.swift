import Foundation
import Scheduler
import Testing

/// Retries with exponential backoff on a fake clock, on_success, per-run output folders, and
/// retention of old runs' files.
@Suite struct RetryAndRetentionTests {
  /// Runs `job` on a manual clock, advancing it past each retry wait; returns the final record
  /// and the waits the runner asked for, in seconds.
  private func runAdvancing(_ fixture: SchedulerFixture, _ job: ScheduleJob, start: Date) async throws
    -> (RunRecord, [TimeInterval])
  {
    let clock = ManualClock(start: start)
    let runner = fixture.runner(clock: clock)
    let task = Task { await runner.run(job, workingDirectory: fixture.folder) }
    var waits: [TimeInterval] = []
    while true {
      let done = try await waitForSleeperOrEnd(clock, task)
      if done { break }
      let deadline = try #require(clock.nextDeadline)
      waits.append(deadline.timeIntervalSince(clock.now()))
      clock.advance(to: deadline)
    }
    return (await task.value, waits)
  }

  /// Waits until the run sleeps on the clock (false) or ends (true).
  private func waitForSleeperOrEnd(_ clock: ManualClock, _ task: Task<RunRecord, Never>) async throws -> Bool
  {
    let ended = EndFlag()
    let watcher = Task {
      _ = await task.value
      await ended.set()
    }
    defer { watcher.cancel() }
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline {
      if clock.sleeperCount > 0 { return false }
      if await ended.value { return true }
      try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("the run neither slept nor ended")
    throw CancellationError()
  }

  private actor EndFlag {
    var value = false
    func set() { value = true }
  }

  @Test func retriesExit1WithExponentialBackoffAndRecordsEachAttempt() async throws {
    let fixture = try SchedulerFixture()
    let job = try fixture.schedule(
      "jobs: [{name: flaky, runbook: flaky, params: {succeed_at: 3}, cron: '@daily', retries: 4, retry_delay: 10s}]"
    ).jobs[0]
    let (record, waits) = try await runAdvancing(fixture, job, start: date("2026-11-27T10:00:00Z"))
    #expect(record.status == .ok)
    #expect(record.attempt == 3)
    #expect(waits == [10, 20])
    let attempts = try fixture.history.runs(job: "flaky").reversed()
    #expect(attempts.map(\.attempt) == [1, 2, 3])
    #expect(attempts.map(\.status) == [.failed, .failed, .ok])
    #expect(attempts.map(\.exitCode) == [1, 1, 0])
    #expect(Set(attempts.compactMap(\.logPath)).count == 3, "each attempt has its own log")
  }

  @Test(arguments: [(Int32(2), 1), (4, 1), (5, 1), (3, 3), (1, 3)])
  func onlyExit1And3AreRetried(_ code: Int32, _ expectedAttempts: Int) async throws {
    let fixture = try SchedulerFixture()
    let job = try fixture.schedule(
      "jobs: [{name: code, runbook: exit, params: {code: \(code)}, cron: '@daily', retries: 2, retry_delay: 1s}]"
    ).jobs[0]
    let (record, waits) = try await runAdvancing(fixture, job, start: date("2026-11-27T10:00:00Z"))
    #expect(record.status == .failed)
    #expect(record.exitCode == code)
    #expect(record.attempt == expectedAttempts, "exit \(code)")
    #expect(waits == Array([1.0, 2.0].prefix(expectedAttempts - 1)))
    #expect(try fixture.history.runs(job: "code").count == expectedAttempts)
  }

  @Test func onFailureFiresOnceAfterTheLastAttemptAndOnSuccessOnSuccess() async throws {
    let fixture = try SchedulerFixture()
    let failures = fixture.folder + "/failures.txt"
    let successes = fixture.folder + "/successes.txt"
    let file = try fixture.schedule(
      """
      jobs:
        - name: broken
          runbook: crash
          cron: '@daily'
          retries: 2
          retry_delay: 5s
          on_failure: { command: 'echo "$TERUN_JOB $TERUN_STATUS $TERUN_ATTEMPT" >> \(failures)' }
          on_success: { command: 'echo never >> \(successes)' }
        - name: fine
          runbook: ok
          cron: '@daily'
          on_failure: { command: 'echo never >> \(failures)' }
          on_success: { command: 'echo "$TERUN_JOB $TERUN_STATUS $TERUN_EXIT_CODE" >> \(successes)' }
      """)
    _ = try await runAdvancing(fixture, file.jobs[0], start: date("2026-11-27T10:00:00Z"))
    _ = try await runAdvancing(fixture, file.jobs[1], start: date("2026-11-27T11:00:00Z"))
    #expect(try String(contentsOfFile: failures, encoding: .utf8) == "broken failed 3\n")
    #expect(try String(contentsOfFile: successes, encoding: .utf8) == "fine ok 0\n")
  }

  @Test func eachRunWritesIntoItsOwnOutputFolder() async throws {
    let fixture = try SchedulerFixture()
    let job = try fixture.schedule("jobs: [{name: writer, runbook: write, cron: '@daily'}]").jobs[0]
    let runner = fixture.runner(clock: ManualClock(start: date("2026-11-27T10:00:00Z")))
    let first = await runner.run(job, workingDirectory: fixture.folder)
    let second = await runner.run(job, workingDirectory: fixture.folder)
    let firstOut = try #require(first.outDir)
    let secondOut = try #require(second.outDir)
    #expect(firstOut != secondOut)
    #expect(firstOut.hasPrefix(fixture.state.path + "/outputs/writer/"))
    #expect(try String(contentsOfFile: firstOut + "/report.csv", encoding: .utf8) == "a,b\n")
    #expect(FileManager.default.fileExists(atPath: secondOut + "/report.csv"))
  }

  @Test func keepPrunesAllButTheLatestRunsFiles() async throws {
    let fixture = try SchedulerFixture()
    let outBase = fixture.folder + "/out"
    let job = try fixture.schedule(
      "jobs: [{name: kept, runbook: write, cron: '@daily', keep: 2, out_dir: ./out}]"
    ).jobs[0]
    let clock = ManualClock(start: date("2026-11-27T10:00:00Z"))
    let runner = fixture.runner(clock: clock)
    var records: [RunRecord] = []
    for _ in 0..<4 {
      records.append(await runner.run(job, workingDirectory: fixture.folder))
      clock.advance(by: 60)
    }
    #expect(records.allSatisfy { $0.outDir?.hasPrefix(outBase + "/") == true })
    let stored = try fixture.history.runs(job: "kept")
    #expect(stored.count == 4, "history rows stay")
    #expect(stored.map { $0.prunedAt != nil } == [false, false, true, true])
    for (index, record) in records.enumerated() {
      let present = index >= 2
      #expect(FileManager.default.fileExists(atPath: record.logPath!) == present, "log \(index)")
      #expect(FileManager.default.fileExists(atPath: record.outDir!) == present, "outputs \(index)")
    }
  }

  @Test func keepForPrunesRunsOlderThanTheWindow() async throws {
    let fixture = try SchedulerFixture()
    let job = try fixture.schedule("jobs: [{name: aged, runbook: write, cron: '@daily', keep_for: 30d}]")
      .jobs[0]
    let clock = ManualClock(start: date("2026-10-01T10:00:00Z"))
    let runner = fixture.runner(clock: clock)
    let old = await runner.run(job, workingDirectory: fixture.folder)
    clock.advance(to: date("2026-10-20T10:00:00Z"))
    let recent = await runner.run(job, workingDirectory: fixture.folder)
    #expect(FileManager.default.fileExists(atPath: old.outDir!), "19 days old: kept")
    clock.advance(to: date("2026-11-01T10:00:01Z"))
    let latest = await runner.run(job, workingDirectory: fixture.folder)
    #expect(!FileManager.default.fileExists(atPath: old.outDir!), "31 days old: pruned")
    #expect(!FileManager.default.fileExists(atPath: old.logPath!))
    #expect(FileManager.default.fileExists(atPath: recent.outDir!))
    #expect(FileManager.default.fileExists(atPath: latest.logPath!))
    #expect(try fixture.history.run(id: old.id!)?.prunedAt == date("2026-11-01T10:00:01Z"))
  }

  @Test func pruningNeverDeletesOutsideTheStateAndOutputFolders() async throws {
    let fixture = try SchedulerFixture()
    let victim = fixture.folder + "/victim"
    try FileManager.default.createDirectory(atPath: victim, withIntermediateDirectories: true)
    let job = try fixture.schedule("jobs: [{name: safe, runbook: ok, cron: '@daily', keep: 1}]").jobs[0]
    let clock = ManualClock(start: date("2026-11-27T10:00:00Z"))
    let runner = fixture.runner(clock: clock)
    var first = await runner.run(job, workingDirectory: fixture.folder)
    first.outDir = victim
    try fixture.history.update(first)
    clock.advance(by: 60)
    _ = await runner.run(job, workingDirectory: fixture.folder)
    #expect(FileManager.default.fileExists(atPath: victim))
  }

  @Test func scheduleFileReadsTheNewFieldsAndRefusesBadOnes() throws {
    let file = try ScheduleFile.parse(
      """
      jobs:
        - name: full
          runbook: hello
          cron: '@daily'
          retries: 3
          retry_delay: 2m
          keep: 10
          keep_for: 30d
          max_memory: 64MB
          out_dir: reports
          on_success: { webhook: "https://hooks.example.com/ok" }
      """, directory: "/srv/sched")
    let job = file.jobs[0]
    #expect(job.retries == 3)
    #expect(job.retryDelay.seconds == 120)
    #expect(job.keep == 10)
    #expect(try #require(job.keepFor).duration == .seconds(2_592_000))
    #expect(job.maxMemory?.bytes == 64_000_000)
    #expect(job.outDirectoryPath == "/srv/sched/reports")
    #expect(job.onSuccess?.webhook?.absoluteString == "https://hooks.example.com/ok")
    #expect(job.runArguments == ["run", "hello", "--max-memory", "64MB"])
    #expect(job.delay(beforeRetry: 1) == 120 && job.delay(beforeRetry: 3) == 480)

    let error = try #require(throws: ScheduleFileError.self) {
      try ScheduleFile.parse(
        """
        jobs:
          - name: bad
            runbook: hello
            cron: '@daily'
            retries: 11
            keep: 0
            keep_for: forever
            max_memory: 12 parsecs
            out_dir: ''
            on_success: { sms: 1 }
          - name: lonely
            runbook: hello
            cron: '@daily'
            retry_delay: 1m
        """, directory: "/srv")
    }
    #expect(
      error.problems.map(\.description) == [
        "job bad: on_success.sms: unknown field (expected webhook or command)",
        "job bad: retries: '11' must be a whole number from 0 to 10",
        "job bad: keep: '0' must be a whole number from 1 to 1000000",
        "job bad: keep_for: invalid duration 'forever': expected a number with a unit (500ms, 2s, 10m, 1h) or seconds",
        "job bad: max_memory: invalid size '12 parsecs': unknown unit 'parsecs' (use B, KB, MB, GB, KiB, MiB, GiB or bytes)",
        "job bad: out_dir: must not be empty",
        "job lonely: retry_delay: has no effect without retries",
      ])
  }
}
