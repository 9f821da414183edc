import ArgumentParser
import Dispatch
import Foundation
import Runbook
import Scheduler

#if canImport(Glibc)
  import Glibc
#endif

/// `terun schedule serve FILE`: the single-machine scheduler daemon.
struct ScheduleServeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Run the scheduler in the foreground.",
    discussion: """
      Each run is a child `terun run` process with its own log. SIGTERM (or SIGINT) stops new \
      runs and lets running ones finish for up to --grace, then stops them; SIGHUP reloads the \
      file (an invalid file is reported and the old one kept). A run missed while the daemon was \
      down runs once at start (catch_up: once, the default).
      """)

  @Argument(help: "The schedule file (YAML).")
  var file: String

  @Option(
    help: ArgumentHelp("How long running jobs may take to finish on SIGTERM.", valueName: "duration"),
    transform: ScheduleSupport.duration)
  var grace = ScheduleDuration(seconds: 30)

  @Option(help: ArgumentHelp("The terun binary runs use (default: this one).", visibility: .hidden))
  var terun: String?

  func run() async throws {
    let schedule = try ScheduleSupport.load(file)
    let state = ScheduleSupport.state
    let log = ScheduleSupport.log
    let runner = JobRunner(
      command: ScheduleSupport.childCommand(terun), state: state, history: try openHistory(state), log: log)
    let daemon = ScheduleDaemon(file: schedule, runner: runner, clock: SystemClock(), log: log)
    let path = file
    let grace = self.grace.seconds
    let queue = DispatchQueue(label: "terun.schedule.signals")
    var sources: [any DispatchSourceSignal] = []
    for signalNumber in [SIGTERM, SIGINT] {
      signal(signalNumber, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
      source.setEventHandler {
        log("received \(signalNumber == SIGTERM ? "SIGTERM" : "SIGINT")")
        Task { await daemon.stop(grace: grace) }
      }
      source.resume()
      sources.append(source)
    }
    signal(SIGHUP, SIG_IGN)
    let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
    hangup.setEventHandler {
      log("received SIGHUP: reloading \(path)")
      do {
        let reloaded = try ScheduleFile.load(path: path)
        Task { await daemon.reload(reloaded) }
      } catch {
        log("reload failed, keeping the current schedule: \(error)")
      }
    }
    hangup.resume()
    sources.append(hangup)
    await daemon.run()
    for source in sources { source.cancel() }
  }
}
