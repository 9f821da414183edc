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
      down runs once at start (catch_up: once, the default). With --listen it serves a status \
      page on /, Prometheus metrics on /metrics and /healthz; read-only unless --allow-trigger \
      (which needs --ui-token-file) adds a "run now" button.
      """)

  @Argument(help: "The schedule file (YAML).")
  var file: String

  @Option(
    help: ArgumentHelp("How long running jobs may take to finish on SIGTERM.", valueName: "duration"),
    transform: ScheduleSupport.duration)
  var grace = try! DurationSpec(parsing: "30s")

  @Option(help: ArgumentHelp("The terun binary runs use (default: this one).", visibility: .hidden))
  var terun: String?

  @Option(
    name: .customLong("token-file"),
    help: ArgumentHelp("Pass this token file to each run (instead of TE_TOKEN).", valueName: "file"))
  var tokenFile: String?

  @Option(
    help: ArgumentHelp(
      "Serve the status page, /metrics and /healthz on HOST:PORT (a bare PORT binds 127.0.0.1).",
      valueName: "address"))
  var listen: String?

  @Flag(help: "Add a \"run now\" button to the status page (needs --ui-token-file).")
  var allowTrigger = false

  @Option(
    name: .customLong("ui-token-file"),
    help: ArgumentHelp("The file holding the token \"run now\" asks for.", valueName: "file"))
  var uiTokenFile: String?

  func validate() throws {
    if allowTrigger && listen == nil { throw ValidationError("--allow-trigger needs --listen") }
    if allowTrigger && uiTokenFile == nil {
      throw ValidationError("--allow-trigger needs --ui-token-file: run now is never offered without a token")
    }
    if uiTokenFile != nil && !allowTrigger {
      throw ValidationError("--ui-token-file is only used with --allow-trigger")
    }
    if let listen { _ = try Self.address(listen) }
  }

  /// `HOST:PORT`, `[V6]:PORT` or a bare `PORT` (loopback).
  static func address(_ text: String) throws -> (String, Int) {
    var host = "127.0.0.1"
    var portText = text
    if let colon = text.lastIndex(of: ":") {
      host = String(text[..<colon])
      portText = String(text[text.index(after: colon)...])
      if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    }
    guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else {
      throw ValidationError("--listen \(text): expected HOST:PORT or PORT, like 127.0.0.1:9464")
    }
    return (host, port)
  }

  /// The "run now" token: the file's first line, at least 16 characters.
  static func triggerToken(_ path: String) throws -> String {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw CommandFailure(.usage, "--ui-token-file \(path): cannot read the file")
    }
    let token =
      text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init)?
      .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    guard token.count >= 16, ControlCharacters.first(in: token) == nil else {
      throw CommandFailure(
        .usage, "--ui-token-file \(path): the token must be one line of at least 16 printable characters")
    }
    return token
  }

  func run() async throws {
    let schedule = try ScheduleSupport.load(file)
    let state = ScheduleSupport.state
    let log = ScheduleSupport.log
    let token = try uiTokenFile.map(Self.triggerToken)
    let history = try openHistory(state)
    let runner = JobRunner(
      command: ScheduleSupport.childCommand(terun), state: state, history: history,
      tokenFile: tokenFile.map(ScheduleSupport.absolute), log: log)
    let metrics = ScheduleMetrics()
    let clock = SystemClock()
    let daemon = ScheduleDaemon(file: schedule, runner: runner, clock: clock, metrics: metrics, log: log)
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
    // Signals first: a SIGTERM right after the address is announced must stop the daemon.
    var server: StatusServer?
    if let listen {
      let (host, port) = try Self.address(listen)
      do {
        server = try await StatusServer.start(
          daemon: daemon, history: history, metrics: metrics, clock: clock,
          options: StatusServerOptions(host: host, port: port, triggerToken: allowTrigger ? token : nil))
      } catch {
        throw CommandFailure(.usage, "--listen \(listen): cannot listen there: \(error)")
      }
      let shown = host.contains(":") ? "[\(host)]" : host
      log(
        "status page on http://\(shown):\(server?.port ?? port)/ (\(allowTrigger ? "run now allowed with the token" : "read-only"))"
      )
    }
    await daemon.run()
    await server?.stop()
    for source in sources { source.cancel() }
  }
}
