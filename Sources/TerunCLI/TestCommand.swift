import ArgumentParser
import Foundation
import Runbook
import Simulator
import ThousandEyes

/// `terun test [PATH ...]`: runs runbook tests (`*_test.lua`), each file against a fresh
/// in-process simulator, and ends with `N passed, N failed`.
struct TestCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "test",
    abstract: "Run runbook tests (*_test.lua), each file against a fresh built-in simulator.",
    discussion: """
      A test file uses the stdlib's busted-style describe/it/assert (require("testing")). Its \
      te module is live against the simulator; te.run_runbook(name, params, {dry_run=true}) runs \
      a runbook through the real runner. The run ends with the line "N passed, N failed" and \
      exits 0 only when nothing failed (1 otherwise; 3 when a limit or the sandbox stopped a \
      file).
      """)

  @Argument(help: "Test files, or folders searched for *_test.lua (default: ./runbooks).")
  var paths: [String] = []

  @Flag(name: [.short, .long], help: "Also list the tests that pass.")
  var verbose = false

  @Option(help: "The simulator's seed (its world data and faults).")
  var seed: UInt64 = 1

  @Option(
    name: .customLong("rate-limit"),
    help: "The simulator's organization rate limit N/WINDOW (e.g. 240/60s), or off.")
  var rateLimit = "off"

  @OptionGroup(title: "Limits")
  var limits: LimitOptions

  func validate() throws {
    guard SimulatorOptions.parseRateLimit(rateLimit) != nil else {
      throw ValidationError("--rate-limit must be N/WINDOW (for example 240/60s) or off, not \(rateLimit).")
    }
  }

  func run() async throws {
    let currentDirectory = FileManager.default.currentDirectoryPath
    let files = try RunbookTestDiscovery.testFiles(
      in: paths.isEmpty ? [RunbookLocator.localFolder] : paths, currentDirectory: currentDirectory)
    if files.isEmpty {
      Terun.printError("no *_test.lua files found", prefixed: false)
    }
    let sink = OutputSink()
    var passed = 0
    var failed = 0
    var stopped: String?
    for file in files {
      let simulator = try await startSimulator()
      let runner = RunbookTestRunner(
        client: ClientConfiguration(
          baseURL: URL(string: simulator.baseURL)!, token: APIToken(simulator.token)),
        searchPath: RunbookLocator.searchPath(from: ProcessInfo.processInfo.environment),
        limits: RunLimits(
          timeout: limits.timeout, maxMemory: limits.maxMemory, maxInstructions: limits.maxInstructions),
        verbose: verbose)
      let outcome = await runner.run(file: file, currentDirectory: currentDirectory, sink: sink)
      await simulator.stop()
      sink.writeOutput(Array("\(file): \(outcome.passed) passed, \(outcome.failed) failed\n".utf8))
      passed += outcome.passed
      failed += outcome.failed
      stopped = stopped ?? outcome.stopped
    }
    sink.writeOutput(Array("\(passed) passed, \(failed) failed\n".utf8))
    sink.flush()
    // A file stopped by a limit or the sandbox ends the run with its message and exit 3, as
    // `terun run` does (and as the backstop does when a stopped file does not end).
    if let stopped { throw CommandFailure(.limitOrSandbox, stopped) }
    if failed > 0 { throw ExitCode(1) }
  }

  private func startSimulator() async throws -> SimulatorServer {
    var options = SimulatorOptions()
    options.host = "127.0.0.1"
    options.port = 0
    options.seed = seed
    let limit = SimulatorOptions.parseRateLimit(rateLimit) ?? nil
    options.rateLimit = limit
    if limit == nil { options.instantRateLimit = nil }
    do {
      return try await SimulatorServer.start(options)
    } catch {
      throw CommandFailure(.runbookError, "cannot start the built-in simulator: \(error)")
    }
  }
}
