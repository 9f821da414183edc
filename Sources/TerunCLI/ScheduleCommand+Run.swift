import ArgumentParser
import Foundation
import Runbook
import Scheduler

/// `terun schedule run FILE --job NAME`: runs one job now, as the daemon would.
struct ScheduleRunCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run one job now, as the scheduler would.",
    discussion: """
      The run is a child `terun run` process with its log under TERUN_STATE_DIR/logs/JOB/, its \
      own output folder, a history record per attempt, the job's retries, its on_failure or \
      on_success notification, and retention of old runs' files. Exits with the last \
      attempt's code; 3 when the job's timeout stopped it.
      """)

  @Argument(help: "The schedule file (YAML).")
  var file: String

  @Option(help: "The job to run.")
  var job: String

  @Option(help: ArgumentHelp("The terun binary runs use (default: this one).", visibility: .hidden))
  var terun: String?

  @Option(
    name: .customLong("token-file"),
    help: ArgumentHelp("Pass this token file to each run (instead of TE_TOKEN).", valueName: "file"))
  var tokenFile: String?

  func run() async throws {
    let schedule = try ScheduleSupport.load(file)
    guard let job = schedule.job(named: job) else {
      let names = schedule.jobs.map(\.name).joined(separator: ", ")
      throw CommandFailure(
        .usage, ControlCharacters.escaped("no job named '\(self.job)' in \(file) (jobs: \(names))"))
    }
    let state = ScheduleSupport.state
    let history = try openHistory(state)
    let runner = JobRunner(
      command: ScheduleSupport.childCommand(terun), state: state, history: history,
      tokenFile: tokenFile.map(ScheduleSupport.absolute), log: ScheduleSupport.log)
    let record = await runner.run(job, workingDirectory: schedule.directory)
    print(ScheduleHistoryCommand.line(record))
    switch record.status {
    case .ok: return
    case .timeout, .interrupted: throw ExitCode(ExitStatus.limitOrSandbox.rawValue)
    default: throw ExitCode(record.exitCode.map { $0 == 0 ? 1 : $0 } ?? ExitStatus.runbookError.rawValue)
    }
  }
}

func openHistory(_ state: StateDirectory) throws -> HistoryStore {
  do {
    return try state.openHistory()
  } catch {
    throw CommandFailure(.runbookError, "cannot open the run history \(state.historyPath): \(error)")
  }
}
