import ArgumentParser
import Foundation
import Runbook
import Scheduler

/// `terun schedule history [--job NAME] [--limit N] [--json]`: past runs, newest first.
struct ScheduleHistoryCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "history", abstract: "Show past runs, newest first.")

  @Option(help: "Only this job's runs.")
  var job: String?

  @Option(help: "At most this many runs.")
  var limit = 20

  @Flag(help: "Print JSON.")
  var json = false

  func validate() throws {
    if limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
  }

  func run() async throws {
    let state = ScheduleSupport.state
    let records = try openHistory(state).runs(job: job, limit: limit)
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      print(String(decoding: try encoder.encode(records.map(Entry.init)), as: UTF8.self))
      return
    }
    if records.isEmpty {
      print("no runs recorded in \(state.historyPath)" + (job.map { " for job \($0)" } ?? ""))
      return
    }
    for record in records { print(Self.line(record)) }
  }

  /// One run as a line: id, start, job, status, exit code, duration, trigger, attempt, plan, log.
  /// The plan summary comes from the run's own output, so control characters are shown escaped.
  static func line(_ record: RunRecord) -> String {
    var parts = ["#\(record.id ?? 0)", Timestamps.iso(record.start), record.job, record.status.rawValue]
    parts.append(record.exitCode.map { "exit=\($0)" } ?? "exit=-")
    if let end = record.end { parts.append(String(format: "%.1fs", end.timeIntervalSince(record.start))) }
    parts.append(record.trigger.rawValue)
    if record.attempt > 1 { parts.append("try \(record.attempt)") }
    if let plan = record.planSummary { parts.append("\"\(plan)\"") }
    if let detail = record.detail { parts.append("(\(detail))") }
    if record.prunedAt != nil {
      parts.append("(files pruned)")
    } else if let log = record.logPath {
      parts.append(log)
    }
    return ControlCharacters.escaped(parts.joined(separator: "  "))
  }

  private struct Entry: Encodable {
    var id: Int64?
    var job, trigger, status, start: String
    var scheduledFor, end, planSummary, logPath, detail, outDir, prunedAt: String?
    var exitCode: Int32?
    var attempt: Int

    init(_ record: RunRecord) {
      id = record.id
      job = record.job
      trigger = record.trigger.rawValue
      status = record.status.rawValue
      start = Timestamps.iso(record.start)
      scheduledFor = record.scheduledFor.map(Timestamps.iso)
      end = record.end.map(Timestamps.iso)
      planSummary = record.planSummary
      logPath = record.logPath
      detail = record.detail
      exitCode = record.exitCode
      attempt = record.attempt
      outDir = record.outDir
      prunedAt = record.prunedAt.map(Timestamps.iso)
    }
  }
}
