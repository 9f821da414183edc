import Foundation
import Scheduler
import Testing

/// The daemon with retries, on a clock the test advances: the job stays busy while it waits
/// to retry, the metrics count attempts and retries, and stopping ends the wait.
@Suite struct DaemonRetryTests {
  private func value(_ metrics: ScheduleMetrics, _ series: String) -> String? {
    metrics.exposition().split(separator: "\n").first { $0.hasPrefix(series + " ") }.map {
      String($0.dropFirst(series.count + 1))
    }
  }

  @Test func retriesOnTheClockSkipSlotsMeanwhileAndStopEndsTheWait() async throws {
    let fixture = try SchedulerFixture()
    let file = try fixture.schedule(
      "jobs: [{ name: flaky, runbook: crash, cron: '* * * * *', retries: 2, retry_delay: 90s }]")
    let clock = ManualClock(start: date("2026-11-27T10:00:30Z"))
    let metrics = ScheduleMetrics()
    let daemon = ScheduleDaemon(
      file: file, runner: fixture.runner(clock: clock), clock: clock, metrics: metrics)
    let serving = Task { await daemon.run() }
    try await eventually("the daemon to sleep") { clock.sleeperCount == 1 }
    #expect(value(metrics, "terun_schedule_next_run_timestamp_seconds{job=\"flaky\"}") == "1795773660.0")

    clock.advance(to: date("2026-11-27T10:01:00Z"))
    // The first attempt fails; the runner waits 90s on the clock, the daemon for 10:02.
    try await eventually("the retry wait") { clock.sleeperCount == 2 }
    #expect(clock.nextDeadline == date("2026-11-27T10:02:00Z"))
    #expect(value(metrics, "terun_schedule_runs_total{job=\"flaky\",outcome=\"failed\"}") == "1")
    #expect(value(metrics, "terun_schedule_retries_total{job=\"flaky\"}") == "1")

    // 10:02 comes while the job waits to retry: that start is skipped, never overlapped.
    clock.advance(to: date("2026-11-27T10:02:00Z"))
    try await eventually("the skip") { try fixture.history.runs(job: "flaky").count == 2 }
    let skipped = try #require(try fixture.history.runs(job: "flaky").first)
    #expect(skipped.status == .skipped)
    #expect(skipped.detail == "the previous run is waiting to retry")
    #expect(value(metrics, "terun_schedule_runs_total{job=\"flaky\",outcome=\"skipped\"}") == "1")

    // Stopping ends the wait at once: no second attempt.
    let stopped = Date()
    await daemon.stop(grace: 5)
    await serving.value
    #expect(Date().timeIntervalSince(stopped) < 5)
    let attempts = try fixture.history.runs(job: "flaky").filter { $0.status != .skipped }
    #expect(attempts.map(\.attempt) == [1])
    #expect(attempts.map(\.status) == [.failed])
  }

  @Test func aRetryThatSucceedsCountsOnceEachAndSetsLastSuccess() async throws {
    let fixture = try SchedulerFixture()
    let file = try fixture.schedule(
      "jobs: [{ name: flaky, runbook: flaky, params: { succeed_at: 2 }, cron: '0 * * * *', retries: 3, retry_delay: 30s }]"
    )
    let clock = ManualClock(start: date("2026-11-27T10:59:00Z"))
    let metrics = ScheduleMetrics()
    let daemon = ScheduleDaemon(
      file: file, runner: fixture.runner(clock: clock), clock: clock, metrics: metrics)
    let serving = Task { await daemon.run() }
    try await eventually("the daemon to sleep") { clock.sleeperCount == 1 }
    clock.advance(to: date("2026-11-27T11:00:00Z"))
    try await eventually("the retry wait") { clock.sleeperCount == 2 }
    clock.advance(to: date("2026-11-27T11:00:30Z"))
    try await eventually("the second attempt") { await daemon.completedRuns == 1 }
    await daemon.stop(grace: 5)
    await serving.value
    #expect(value(metrics, "terun_schedule_runs_total{job=\"flaky\",outcome=\"failed\"}") == "1")
    #expect(value(metrics, "terun_schedule_runs_total{job=\"flaky\",outcome=\"ok\"}") == "1")
    #expect(value(metrics, "terun_schedule_retries_total{job=\"flaky\"}") == "1")
    #expect(value(metrics, "terun_schedule_last_success_timestamp_seconds{job=\"flaky\"}") == "1795777230.0")
    let runs = try fixture.history.runs(job: "flaky")
    #expect(runs.map(\.attempt) == [2, 1])
    #expect(runs.map(\.status) == [.ok, .failed])
  }

  @Test func aRunStoppedAtShutdownStillSendsItsFailureNotification() async throws {
    let fixture = try SchedulerFixture()
    let marker = fixture.folder + "/notified.txt"
    let file = try fixture.schedule(
      """
      jobs:
        - name: long
          runbook: slow
          params: { seconds: 30 }
          cron: '* * * * *'
          retries: 2
          on_failure: { command: 'echo "$TERUN_STATUS $TERUN_ATTEMPT" > \(marker)' }
      """)
    let clock = ManualClock(start: date("2026-11-27T10:00:30Z"))
    let daemon = ScheduleDaemon(file: file, runner: fixture.runner(clock: clock), clock: clock)
    let serving = Task { await daemon.run() }
    try await eventually("the daemon to sleep") { clock.sleeperCount == 1 }
    clock.advance(to: date("2026-11-27T10:01:00Z"))
    try await eventually("the run to start") { await daemon.runningJobs == ["long"] }
    await daemon.stop(grace: 1)
    // The grace period passes on the daemon's clock.
    let ticking = Task {
      while !Task.isCancelled {
        clock.advance(by: 1)
        try? await Task.sleep(for: .milliseconds(50))
      }
    }
    await serving.value
    ticking.cancel()
    #expect(try String(contentsOfFile: marker, encoding: .utf8) == "interrupted 1\n")
    #expect(try fixture.history.runs(job: "long").map(\.status) == [.interrupted])
  }
}
