import ArgumentParser
import Foundation
import Runbook
import Scheduler

/// `terun schedule validate FILE`: reports every problem, with job and field; exit 2 if any.
struct ScheduleValidateCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate", abstract: "Check a schedule file and report every problem.")

  @Argument(help: "The schedule file (YAML).")
  var file: String

  func run() async throws {
    let schedule = try ScheduleSupport.load(file)
    let problems = Self.runbookProblems(schedule)
    if !problems.isEmpty {
      throw CommandFailure(.usage, ScheduleFileError(path: file, problems: problems).description)
    }
    let count = schedule.jobs.count
    print("\(file): ok, \(count) job\(count == 1 ? "" : "s")")
  }
}

extension ScheduleValidateCommand {
  /// Checks what the file alone cannot tell: each job's runbook can be found (from the schedule's
  /// folder, as runs see it, then TERUN_PATH and the built-in library), passes `terun check`
  /// (compiles, valid header, no undefined globals or te fields), and the job's params bind to
  /// the runbook's parameters.
  static func runbookProblems(
    _ schedule: ScheduleFile, environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> [ScheduleProblem] {
    let searchPath = RunbookLocator.searchPath(from: environment)
    var problems: [ScheduleProblem] = []
    let checker: RunbookChecker?
    do {
      checker = try RunbookChecker()
    } catch {
      checker = nil
      problems.append(ScheduleProblem(job: nil, field: nil, message: "cannot check runbooks: \(error)"))
    }
    for job in schedule.jobs {
      let header: RunbookHeader
      do {
        let source = try RunbookLocator.locate(
          job.runbookArgument, searchPath: searchPath, currentDirectory: schedule.directory)
        let found = checker?.check(source) ?? []
        for problem in found {
          problems.append(ScheduleProblem(job: job.name, field: "runbook", message: problem.description))
        }
        if !found.isEmpty { continue }
        header = try RunbookHeader.parse(source: source.bytes, file: source.displayName)
      } catch let failure as CommandFailure {
        problems.append(ScheduleProblem(job: job.name, field: "runbook", message: failure.message))
        continue
      } catch {
        problems.append(ScheduleProblem(job: job.name, field: "runbook", message: String(describing: error)))
        continue
      }
      do {
        _ = try ParameterBinder.bind(
          job.parameters.map(\.argument), to: header, relativeTo: schedule.directory)
      } catch {
        problems.append(ScheduleProblem(job: job.name, field: "params", message: error.message))
      }
    }
    return problems
  }
}

/// `terun schedule list FILE`: each job with its next 3 run times, in its time zone.
struct ScheduleListCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "Show each job with its next run times.")

  @Argument(help: "The schedule file (YAML).")
  var file: String

  @Option(help: "How many run times to show per job.")
  var count = 3

  @Flag(help: "Print JSON.")
  var json = false

  func validate() throws {
    if count < 1 { throw ValidationError("--count must be at least 1, got \(count)") }
  }

  func run() async throws {
    let schedule = try ScheduleSupport.load(file)
    let now = Date()
    if json {
      let entries = schedule.jobs.map { job in
        ListEntry(
          name: job.name, runbook: job.runbook, cron: job.cron.source, timezone: job.timeZoneName,
          timeout: job.timeout.spelling, overlap: job.overlap.rawValue, catchUp: job.catchUp.rawValue,
          nextRuns: job.nextRuns(after: now, count: count).map { Timestamps.iso($0, in: job.timeZone) })
      }
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      print(String(decoding: try encoder.encode(entries), as: UTF8.self))
      return
    }
    for job in schedule.jobs {
      let params = job.parameters.map(\.argument).joined(separator: " ")
      print("\(job.name): \(job.runbook)\(params.isEmpty ? "" : " " + params)")
      print(
        "  cron \"\(job.cron.source)\" \(job.timeZoneName), timeout \(job.timeout), overlap \(job.overlap.rawValue), catch_up \(job.catchUp.rawValue)"
      )
      for date in job.nextRuns(after: now, count: count) {
        print("  next \(Timestamps.iso(date, in: job.timeZone))")
      }
    }
  }

  private struct ListEntry: Encodable {
    var name, runbook, cron, timezone, timeout, overlap, catchUp: String
    var nextRuns: [String]
  }
}
