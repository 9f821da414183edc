import Foundation
import Scheduler
import Testing

@Suite struct ScheduleFileTests {
  @Test func loadsTheDesignExample() throws {
    let text = """
      jobs:
        - name: nightly-latency
          runbook: export_latency
          params: { test_id: 123456, window: 24h, names: [a, b] }
          cron: "0 2 * * *"
          timezone: America/New_York
          timeout: 30m
          overlap: queue
          catch_up: none
          on_failure: { webhook: "https://hooks.example.com/terun", command: "logger terun failed" }
        - name: hourly
          runbook: ./books/check.lua
          cron: "@hourly"
      """
    let directory = NSTemporaryDirectory() + "sched-load-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory + "/books", withIntermediateDirectories: true)
    _ = FileManager.default.createFile(
      atPath: directory + "/books/check.lua", contents: Data("print(1)".utf8))
    let file = try ScheduleFile.parse(text, directory: directory)
    #expect(file.jobs.map(\.name) == ["nightly-latency", "hourly"])
    let nightly = file.jobs[0]
    #expect(nightly.runArguments == ["run", "export_latency", "test_id=123456", "window=24h", "names=a,b"])
    #expect(nightly.timeZone.identifier == "America/New_York")
    #expect(nightly.timeout.duration == .seconds(30 * 60))
    #expect(nightly.overlap == .queue)
    #expect(nightly.catchUp == .none)
    #expect(nightly.onFailure?.webhook?.absoluteString == "https://hooks.example.com/terun")
    #expect(nightly.onFailure?.command == "logger terun failed")
    let hourly = file.jobs[1]
    #expect(hourly.timeZoneName == "UTC")
    #expect(hourly.timeZone.secondsFromGMT() == 0)
    #expect(hourly.timeout == ScheduleJob.defaultTimeout)
    #expect(hourly.overlap == .skip)
    #expect(hourly.catchUp == .once)
    #expect(hourly.runbookArgument == directory + "/books/check.lua")
  }

  @Test func reportsEveryProblemWithJobAndField() throws {
    let text = """
      jobs:
        - name: Bad_Name
          runbook: hello
          cron: "* * * * *"
        - name: dup
          runbook: hello
          cron: "61 * * * *"
          timezone: Mars/Olympus_Mons
          timeout: five minutes
          overlap: maybe
          catch_up: twice
          on_failure: { webhook: "ftp://example.com/x", sms: "555" }
          cronn: "typo"
        - name: dup
          runbook: hello
          cron: "0 0 * * *"
        - name: dup
          runbook: ./missing.lua
          cron: "0 0 30 2 *"
          params: { 9lives: x, nested: { a: 1 } }
        - cron: "@reboot"
      extra: 1
      """
    let error = try #require(throws: ScheduleFileError.self) {
      try ScheduleFile.parse(text, directory: "/nonexistent-dir")
    }
    let lines = error.problems.map(\.description)
    let expected = [
      "extra: unknown top-level key (expected 'jobs')",
      "job Bad_Name: name: 'Bad_Name' must be 1-46 characters of a-z, 0-9 and '-'",
      "job dup: cronn: unknown field (expected one of catch_up, cron, keep, keep_for, max_memory, name, on_failure, on_success, out_dir, overlap, params, retries, retry_delay, runbook, timeout, timezone)",
      "job dup: cron: '61 * * * *': minute field: 61 is out of range 0-59 in '61'",
      "job dup: timezone: 'Mars/Olympus_Mons' is not an IANA time zone name (like Europe/Berlin)",
      "job dup: timeout: invalid duration 'five minutes': expected a number with a unit (500ms, 2s, 10m, 1h) or seconds",
      "job dup: overlap: 'maybe' must be skip or queue",
      "job dup: catch_up: 'twice' must be once or none",
      "job dup: on_failure.sms: unknown field (expected webhook or command)",
      "job dup: on_failure.webhook: must be an http or https URL",
      "job dup: runbook: no such file: /nonexistent-dir/missing.lua",
      "job dup: params.9lives: parameter names are letters, digits and '_' and start with a letter",
      "job dup: params.nested: must be a value or a list of values",
      "job dup: cron: '0 0 30 2 *' never matches a date",
      "job jobs[4]: name: missing",
      "job jobs[4]: runbook: missing",
      "job jobs[4]: cron: '@reboot': unknown macro '@reboot' (use @hourly, @daily, @weekly, @monthly or @yearly)",
    ]
    #expect(lines == expected)
    // The third job is valid on its own but reuses a name: reported against the second.
    let duplicate = try #require(throws: ScheduleFileError.self) {
      try ScheduleFile.parse(
        "jobs:\n  - {name: a, runbook: x, cron: '@daily'}\n  - {name: a, runbook: y, cron: '@hourly'}\n",
        directory: "/")
    }
    #expect(duplicate.problems.map(\.description) == ["job a: name: duplicate: jobs[0] has the same name"])
  }

  @Test func rejectsFilesThatAreNotAJobList() throws {
    for (text, message) in [
      ("just text", "the file must be a mapping with a 'jobs' list"),
      ("jobs: 3", "jobs: must be a list of jobs"),
      ("other: []", "other: unknown top-level key (expected 'jobs')"),
      ("jobs: [", "not valid YAML"),
    ] {
      let error = try #require(throws: ScheduleFileError.self) {
        try ScheduleFile.parse(text, directory: "/")
      }
      #expect(error.problems.first?.description.hasPrefix(message) == true, "\(text): \(error.problems)")
    }
  }

  /// Schedule files read durations with the CLI's parser (DurationSpec, tested in RunbookTests):
  /// combined parts and every unit work here too, and zero is refused.
  @Test func durationsUseTheCLIParser() throws {
    let file = try ScheduleFile.parse(
      "jobs:\n  - {name: a, runbook: x, cron: '@daily', timeout: 1h30m, retries: 1, retry_delay: 500ms, "
        + "keep_for: 2w}\n",
      directory: "/")
    let job = try #require(file.jobs.first)
    #expect(job.timeout.duration == .seconds(5400))
    #expect(job.retryDelay.duration == .milliseconds(500))
    #expect(job.keepFor?.duration == .seconds(14 * 86_400))
    for (field, text, message) in [
      ("timeout", "0s", "job a: timeout: must be longer than zero"),
      ("retry_delay", "-5s", "job a: retry_delay: invalid duration '-5s': expected a number"),
      ("keep_for", "1 hour", "job a: keep_for: invalid duration '1 hour': unknown unit ' hour'"),
    ] {
      let error = try #require(throws: ScheduleFileError.self) {
        try ScheduleFile.parse(
          "jobs:\n  - {name: a, runbook: x, cron: '@daily', retries: 1, \(field): '\(text)'}\n",
          directory: "/")
      }
      #expect(error.problems.map(\.description).first?.hasPrefix(message) == true, "\(error.problems)")
    }
  }
}
