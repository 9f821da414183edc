import Foundation
import Scheduler
import Testing

/// The daemon driven by a clock the test advances, with real child processes.
@Suite struct ScheduleDaemonTests {
  /// Waits until the daemon has handled the clock's latest advance and sleeps again.
  private func settle(_ clock: ManualClock) async throws {
    try await eventually("the daemon to sleep") {
      clock.sleeperCount == 1 && (clock.nextDeadline ?? .distantPast) > clock.now()
    }
  }

  @Test func recordsRunsSkipsOverlapsAndSurvivesACrash() async throws {
    let fixture = try SchedulerFixture()
    let file = try fixture.schedule(
      """
      jobs:
        - { name: steady, runbook: ok, cron: "* * * * *" }
        - { name: crasher, runbook: crash, cron: "* * * * *" }
        - { name: long, runbook: slow, params: { seconds: 8 }, cron: "* * * * *", overlap: skip }
      """)
    let clock = ManualClock(start: date("2026-11-27T10:00:30Z"))
    let daemon = ScheduleDaemon(file: file, runner: fixture.runner(clock: clock), clock: clock)
    let serving = Task { await daemon.run() }
    try await settle(clock)

    clock.advance(to: date("2026-11-27T10:01:00Z"))
    try await settle(clock)
    try await eventually("steady and crasher to finish") { await daemon.completedRuns == 2 }
    #expect(await daemon.runningJobs == ["long"])

    clock.advance(to: date("2026-11-27T10:02:00Z"))
    try await settle(clock)
    try await eventually("all runs to finish") { await daemon.completedRuns == 5 }

    await daemon.stop(grace: 10)
    await serving.value

    let steady = try fixture.history.runs(job: "steady")
    #expect(steady.map(\.status) == [.ok, .ok])
    #expect(steady.allSatisfy { $0.planSummary == "Plan: 1 to add, 0 to change, 0 to destroy." })
    #expect(steady.map(\.scheduledFor) == [date("2026-11-27T10:02:00Z"), date("2026-11-27T10:01:00Z")])
    let crasher = try fixture.history.runs(job: "crasher")
    #expect(crasher.map(\.status) == [.failed, .failed])
    #expect(crasher.map(\.exitCode) == [1, 1])
    let long = try fixture.history.runs(job: "long")
    #expect(long.map(\.status) == [.skipped, .ok])
    #expect(long[0].detail == "the run started at 2026-11-27T10:01:00Z is still going")
    #expect(long[0].scheduledFor == date("2026-11-27T10:02:00Z"))
    for record in steady + crasher where record.status != .skipped {
      #expect(FileManager.default.fileExists(atPath: record.logPath!))
    }
  }

  @Test func queuedOverlapRunsOnceAfterTheCurrentRun() async throws {
    let fixture = try SchedulerFixture()
    let file = try fixture.schedule(
      "jobs: [{ name: q, runbook: slow, params: { seconds: 8 }, cron: '* * * * *', overlap: queue }]")
    let clock = ManualClock(start: date("2026-11-27T10:00:30Z"))
    let daemon = ScheduleDaemon(file: file, runner: fixture.runner(clock: clock), clock: clock)
    let serving = Task { await daemon.run() }
    try await settle(clock)
    clock.advance(to: date("2026-11-27T10:01:00Z"))
    try await settle(clock)
    clock.advance(to: date("2026-11-27T10:02:00Z"))
    try await settle(clock)
    clock.advance(to: date("2026-11-27T10:03:00Z"))
    try await settle(clock)
    try await eventually("the queued run to finish", within: 90) { await daemon.completedRuns == 2 }
    await daemon.stop(grace: 10)
    await serving.value

    let runs = try fixture.history.runs(job: "q").sorted { ($0.id ?? 0) < ($1.id ?? 0) }
    #expect(runs.map(\.status) == [.ok, .skipped, .ok])
    #expect(runs.map(\.trigger) == [.schedule, .schedule, .queued])
    #expect(runs[1].detail == "a run is already queued")
    #expect(runs[2].scheduledFor == date("2026-11-27T10:02:00Z"))
  }

  @Test func missedRunHappensOnceAfterARestart() async throws {
    let fixture = try SchedulerFixture()
    let file = try fixture.schedule(
      """
      jobs:
        - { name: hourly, runbook: ok, cron: "0 * * * *" }
        - { name: no-catch-up, runbook: ok, cron: "0 * * * *", catch_up: none }
      """)
    let first = ManualClock(start: date("2026-11-27T10:59:00Z"))
    let daemon = ScheduleDaemon(file: file, runner: fixture.runner(clock: first), clock: first)
    let serving = Task { await daemon.run() }
    try await settle(first)
    first.advance(to: date("2026-11-27T11:00:00Z"))
    try await settle(first)
    try await eventually("the 11:00 runs") { await daemon.completedRuns == 2 }
    await daemon.stop(grace: 10)
    await serving.value

    // Down from 11:00 to 13:30: the 12:00 and 13:00 runs were missed.
    let second = ManualClock(start: date("2026-11-27T13:30:00Z"))
    let restarted = ScheduleDaemon(file: file, runner: fixture.runner(clock: second), clock: second)
    let again = Task { await restarted.run() }
    try await settle(second)
    try await eventually("the catch-up run") { await restarted.completedRuns == 1 }
    #expect(await restarted.schedule["hourly"] == date("2026-11-27T14:00:00Z"))
    await restarted.stop(grace: 10)
    await again.value

    let hourly = try fixture.history.runs(job: "hourly")
    #expect(hourly.map(\.trigger) == [.catchUp, .schedule])
    #expect(hourly.map(\.status) == [.ok, .ok])
    #expect(hourly[0].scheduledFor == date("2026-11-27T12:00:00Z"))
    #expect(try fixture.history.runs(job: "no-catch-up").map(\.trigger) == [.schedule])
  }

  @Test func stopWaitsForRunsThenInterruptsAfterGrace() async throws {
    let fixture = try SchedulerFixture()
    let file = try fixture.schedule(
      "jobs: [{ name: stuck, runbook: slow, params: { seconds: 60 }, cron: '* * * * *' }]")
    let clock = ManualClock(start: date("2026-11-27T10:00:30Z"))
    let daemon = ScheduleDaemon(file: file, runner: fixture.runner(clock: clock, killGrace: 1), clock: clock)
    let serving = Task { await daemon.run() }
    try await settle(clock)
    clock.advance(to: date("2026-11-27T10:01:00Z"))
    try await settle(clock)
    #expect(await daemon.runningJobs == ["stuck"])
    await daemon.stop(grace: 5)
    // The run is still given its grace period...
    try await Task.sleep(for: .milliseconds(300))
    #expect(try fixture.history.runs(job: "stuck").map(\.status) == [.running])
    // ...which, on the daemon's clock, runs out.
    clock.advance(by: 6)
    await serving.value
    let runs = try fixture.history.runs(job: "stuck")
    #expect(runs.map(\.status) == [.interrupted])
    #expect(runs[0].detail == "stopped when the scheduler shut down")
  }

  @Test func reloadReschedulesChangedJobs() async throws {
    let fixture = try SchedulerFixture()
    let clock = ManualClock(start: date("2026-11-27T10:00:30Z"))
    let daemon = ScheduleDaemon(
      file: try fixture.schedule("jobs: [{ name: a, runbook: ok, cron: '0 * * * *' }]"),
      runner: fixture.runner(clock: clock), clock: clock)
    let serving = Task { await daemon.run() }
    try await settle(clock)
    #expect(await daemon.schedule == ["a": date("2026-11-27T11:00:00Z")])
    await daemon.reload(
      try fixture.schedule(
        "jobs: [{ name: a, runbook: ok, cron: '*/5 * * * *' }, { name: b, runbook: ok, cron: '@daily' }]"))
    try await settle(clock)
    #expect(
      await daemon.schedule == ["a": date("2026-11-27T10:05:00Z"), "b": date("2026-11-28T00:00:00Z")])
    await daemon.stop(grace: 1)
    await serving.value
  }
}
