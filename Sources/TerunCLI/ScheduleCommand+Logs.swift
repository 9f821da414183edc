import ArgumentParser
import Foundation
import Runbook
import Scheduler

/// `terun schedule logs JOB [--run ID] [--follow]`: prints a run's log.
struct ScheduleLogsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "logs",
    abstract: "Print a run's log (the job's latest by default).",
    discussion: """
      The run's id is the one `terun schedule history --json` shows. --follow keeps printing \\
      while the run goes on and returns when it ends.
      """)

  @Argument(help: "The job.")
  var job: String

  @Option(
    help: ArgumentHelp(
      "The run, by its history id (default: the job's latest run with a log).", valueName: "id"))
  var run: Int64?

  @Flag(name: [.short, .long], help: "Keep printing while the run goes on.")
  var follow = false

  /// The job's name as messages show it (control characters escaped).
  private var shownJob: String { ControlCharacters.escaped(job) }

  /// How often --follow looks for more output.
  static let pollInterval: Duration = .milliseconds(200)

  func run() async throws {
    let history = try openHistory(ScheduleSupport.state)
    var record = try find(history)
    if record.prunedAt != nil {
      throw CommandFailure(
        .runbookError,
        "the log of run \(record.id ?? 0) of job \(shownJob) was pruned (the job's keep or keep_for)")
    }
    guard let path = record.logPath, let handle = FileHandle(forReadingAtPath: path) else {
      throw CommandFailure(.runbookError, "run \(record.id ?? 0) of job \(shownJob) has no log")
    }
    defer { try? handle.close() }
    copy(handle)
    guard follow else { return }
    while record.status == .running {
      try await Task.sleep(for: Self.pollInterval)
      copy(handle)
      guard let id = record.id, let latest = try history.run(id: id) else { break }
      record = latest
    }
    copy(handle)
  }

  private func find(_ history: HistoryStore) throws -> RunRecord {
    if let run {
      guard let record = try history.run(id: run), record.job == job else {
        throw CommandFailure(.usage, "no run \(run) of job '\(shownJob)' in the history")
      }
      return record
    }
    let records = try history.runs(job: job, limit: 100)
    guard let latest = records.first(where: { $0.logPath != nil || $0.prunedAt != nil }) else {
      throw CommandFailure(
        .usage, "no run of job '\(shownJob)' with a log in \(ScheduleSupport.state.historyPath)")
    }
    return latest
  }

  private func copy(_ handle: FileHandle) {
    while let data = try? handle.read(upToCount: 64 * 1024), !data.isEmpty {
      FileHandle.standardOutput.write(data)
    }
  }
}
