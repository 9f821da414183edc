import Foundation
import Scheduler
import Testing

@Suite struct JobRunnerTests {
  @Test func recordsASuccessfulRunWithLogAndPlanSummary() async throws {
    let fixture = try SchedulerFixture()
    let job = try fixture.schedule("jobs: [{name: good, runbook: ok, cron: '@daily'}]").jobs[0]
    let record = await fixture.runner(clock: SystemClock()).run(job, workingDirectory: fixture.folder)
    #expect(record.status == .ok)
    #expect(record.exitCode == 0)
    #expect(record.planSummary == "Plan: 1 to add, 0 to change, 0 to destroy.")
    let log = try #require(record.logPath)
    #expect(log.hasPrefix(fixture.state.path + "/logs/good/"))
    #expect(try String(contentsOfFile: log, encoding: .utf8).contains("running ok"))
    let stored = try fixture.history.runs(job: "good")
    #expect(stored.map(\.id) == [record.id])
    #expect(stored.map(\.status) == [.ok])
    #expect(stored.map(\.planSummary) == [record.planSummary])
    #expect(stored.map(\.logPath) == [record.logPath])
    #expect(stored.map(\.exitCode) == [0])
    #expect(abs(stored[0].end!.timeIntervalSince(record.end!)) < 0.01)
  }

  @Test func recordsACrashAsFailedAndRunsTheFailureCommand() async throws {
    let fixture = try SchedulerFixture()
    let marker = fixture.folder + "/notified.txt"
    let job = try fixture.schedule(
      """
      jobs:
        - name: bad
          runbook: crash
          cron: '@daily'
          on_failure: { command: 'echo "$TERUN_JOB $TERUN_STATUS $TERUN_EXIT_CODE $TERUN_LOG" > \(marker)' }
      """
    ).jobs[0]
    let record = await fixture.runner(clock: SystemClock()).run(job, workingDirectory: fixture.folder)
    #expect(record.status == .failed)
    #expect(record.exitCode == 1)
    #expect(record.planSummary == nil)
    #expect(try String(contentsOfFile: record.logPath!, encoding: .utf8) == "boom\n")
    let notified = try String(contentsOfFile: marker, encoding: .utf8)
    #expect(notified == "bad failed 1 \(record.logPath!)\n")
  }

  @Test func stopsARunAtItsTimeout() async throws {
    let fixture = try SchedulerFixture()
    let job = try fixture.schedule(
      "jobs: [{name: sleepy, runbook: slow, params: {seconds: 600}, cron: '@daily', timeout: 300ms}]"
    ).jobs[0]
    let started = Date()
    let record = await fixture.runner(clock: SystemClock()).run(job, workingDirectory: fixture.folder)
    #expect(record.status == .timeout)
    #expect(record.exitCode == nil)
    #expect(record.detail == "stopped after the job's timeout of 300ms")
    // Stopped, not run to its end (600 s): the bound is loose so that a loaded machine passes.
    #expect(Date().timeIntervalSince(started) < 120)
  }

  @Test func aMissingBinaryIsAFailedRunNotACrash() async throws {
    let fixture = try SchedulerFixture()
    let job = try fixture.schedule("jobs: [{name: nobin, runbook: ok, cron: '@daily'}]").jobs[0]
    var runner = fixture.runner(clock: SystemClock())
    runner.command = ChildCommand(executable: fixture.folder + "/no-such-terun")
    let record = await runner.run(job, workingDirectory: fixture.folder)
    #expect(record.status == .failed)
    #expect(record.detail?.hasPrefix("cannot start \(fixture.folder)/no-such-terun") == true)
  }
}
