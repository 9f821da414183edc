import Foundation
import Scheduler
import Testing

/// The terun binary `swift test` built next to the test bundle, if any.
private func builtTerun() -> String? {
  let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
  var folder = (executable as NSString).deletingLastPathComponent
  while !folder.isEmpty && folder != "/" {
    let candidate = (folder as NSString).appendingPathComponent("terun")
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
      FileManager.default.isExecutableFile(atPath: candidate)
    {
      return candidate
    }
    if folder.hasSuffix(".xctest") || folder.hasSuffix("/Contents") || folder.hasSuffix("/MacOS") {
      folder = (folder as NSString).deletingLastPathComponent
      continue
    }
    break
  }
  return nil
}

/// Runs `terun arguments` with `TERUN_STATE_DIR=state`; returns (status, stdout, stderr).
private func terun(_ binary: String, _ arguments: [String], state: String, in folder: String) throws
  -> (Int32, String, String)
{
  let process = Process()
  process.executableURL = URL(fileURLWithPath: binary)
  process.arguments = arguments
  var environment = ProcessInfo.processInfo.environment
  environment["TERUN_STATE_DIR"] = state
  process.environment = environment
  process.currentDirectoryURL = URL(fileURLWithPath: folder)
  let output = Pipe()
  let errors = Pipe()
  process.standardOutput = output
  process.standardError = errors
  try process.run()
  let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  process.waitUntilExit()
  return (process.terminationStatus, out, err)
}

/// End to end with the real `terun run`: the daemon's children are the terun binary itself.
@Suite struct RealTerunTests {
  static let schedule = """
    jobs:
      - { name: greet, runbook: hello, params: { name: sched }, cron: "* * * * *" }
      - { name: explode, runbook: ./boom.lua, cron: "* * * * *" }
    """

  /// The built binary, a fixture folder with the schedule and `boom.lua`, and the loaded file;
  /// nil (the test is skipped) when no binary was built.
  private func prepare() throws -> (String, SchedulerFixture, ScheduleFile)? {
    guard let binary = builtTerun() else {
      print("skipping: no terun binary next to the test bundle (run `swift build` first)")
      return nil
    }
    let fixture = try SchedulerFixture()
    try "error(\"boom\")\n".write(toFile: fixture.folder + "/boom.lua", atomically: true, encoding: .utf8)
    try Self.schedule.write(toFile: fixture.folder + "/schedule.yaml", atomically: true, encoding: .utf8)
    return (binary, fixture, try ScheduleFile.load(path: fixture.folder + "/schedule.yaml"))
  }

  @Test func daemonRunsTheRealRunbookAndRecordsTheCrash() async throws {
    guard let prepared = try prepare() else { return }
    let (binary, fixture, file) = prepared
    let clock = ManualClock(start: date("2026-11-27T10:00:30Z"))
    let runner = JobRunner(
      command: ChildCommand(executable: binary), state: fixture.state, history: fixture.history, clock: clock)
    let daemon = ScheduleDaemon(file: file, runner: runner, clock: clock)
    let serving = Task { await daemon.run() }
    try await eventually("the daemon to sleep") { clock.sleeperCount == 1 }
    clock.advance(to: date("2026-11-27T10:01:00Z"))
    try await eventually("both runs", within: 60) { await daemon.completedRuns == 2 }
    await daemon.stop(grace: 5)
    await serving.value

    let greet = try #require(try fixture.history.runs(job: "greet").first)
    let greeting = try String(contentsOfFile: greet.logPath!, encoding: .utf8)
    #expect(greet.status == .ok, "log: \(greeting)")
    #expect(greeting.contains("Hello, sched!"))
    let explode = try #require(try fixture.history.runs(job: "explode").first)
    #expect(explode.status == .failed)
    #expect(explode.exitCode == 1)
    #expect(try String(contentsOfFile: explode.logPath!, encoding: .utf8).contains("boom"))
  }

  @Test func cliValidateListRunHistoryAndExport() throws {
    guard let prepared = try prepare() else { return }
    let (binary, fixture, _) = prepared
    let state = fixture.state.path
    let folder = fixture.folder

    var (status, out, err) = try terun(
      binary, ["schedule", "validate", "schedule.yaml"], state: state, in: folder)
    #expect(status == 0, "\(err)")
    #expect(out == "schedule.yaml: ok, 2 jobs\n")

    try "jobs:\n  - { name: Bad, runbook: hello, cron: '99 * * * *' }\n".write(
      toFile: folder + "/bad.yaml", atomically: true, encoding: .utf8)
    (status, out, err) = try terun(binary, ["schedule", "validate", "bad.yaml"], state: state, in: folder)
    #expect(status == 2)
    #expect(err.contains("job Bad: name: 'Bad' must be 1-46 characters of a-z, 0-9 and '-'"))
    #expect(err.contains("job Bad: cron: '99 * * * *': minute field: 99 is out of range 0-59 in '99'"))

    // Problems only the runbook can tell: not found, a required parameter missing.
    try """
    jobs:
      - { name: nobook, runbook: no_such_runbook, cron: '@daily' }
      - { name: noparam, runbook: hello, cron: '@daily' }
    """.write(toFile: folder + "/runbooks.yaml", atomically: true, encoding: .utf8)
    (status, out, err) = try terun(
      binary, ["schedule", "validate", "runbooks.yaml"], state: state, in: folder)
    #expect(status == 2)
    #expect(err.contains("runbooks.yaml: 2 problems"), "\(err)")
    #expect(
      err.contains(
        "job nobook: runbook: runbook not found: no_such_runbook (no such file, not in ./runbooks or TERUN_PATH, not a built-in runbook)"
      ), "\(err)")
    #expect(err.contains("job noparam: params: ") && err.contains("name"), "\(err)")

    (status, out, err) = try terun(binary, ["schedule", "list", "schedule.yaml"], state: state, in: folder)
    #expect(status == 0, "\(err)")
    #expect(out.components(separatedBy: "  next ").count == 7)

    (status, out, err) = try terun(
      binary, ["schedule", "run", "schedule.yaml", "--job", "greet"], state: state, in: folder)
    #expect(status == 0, "\(out)\(err)")
    (status, out, err) = try terun(
      binary, ["schedule", "run", "schedule.yaml", "--job", "explode"], state: state, in: folder)
    #expect(status == 1)
    (status, out, err) = try terun(
      binary, ["schedule", "run", "schedule.yaml", "--job", "nope"], state: state, in: folder)
    #expect(status == 2)
    #expect(err.contains("no job named 'nope' in schedule.yaml (jobs: greet, explode)"))

    (status, out, err) = try terun(binary, ["schedule", "history", "--json"], state: state, in: folder)
    #expect(status == 0, "\(err)")
    let runs = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]])
    #expect(runs.compactMap { $0["status"] as? String } == ["failed", "ok"])
    #expect(runs.compactMap { $0["job"] as? String } == ["explode", "greet"])

    (status, out, err) = try terun(
      binary, ["schedule", "export", "schedule.yaml", "--to", "kubernetes"], state: state, in: folder)
    #expect(status == 0, "\(err)")
    #expect(out.contains("concurrencyPolicy: Forbid"))
    (status, out, err) = try terun(
      binary, ["schedule", "export", "schedule.yaml", "--to", "launchd"], state: state, in: folder)
    #expect(status == 2)
    #expect(err.contains("--to must be systemd, cron or kubernetes, got 'launchd'"))
  }
}
