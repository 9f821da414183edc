import Foundation
import LuaHost
import ThousandEyes

/// What one runbook test file did.
public struct RunbookTestOutcome: Sendable, Equatable {
  /// The test file, as given.
  public var file: String
  /// Tests that passed.
  public var passed: Int
  /// Tests that failed; an error outside any `it` (loading the file, say) counts as one.
  public var failed: Int
  /// The message of the limit or sandbox rule that stopped the file (exit 3), if one did.
  public var stopped: String?

  /// Creates an outcome.
  public init(file: String, passed: Int, failed: Int, stopped: String? = nil) {
    self.file = file
    self.passed = passed
    self.failed = failed
    self.stopped = stopped
  }
}

/// Runs one `*_test.lua` file: the file runs in the sandbox like a runbook, with the live `te`
/// module talking to `client` and `te.run_runbook` (see ``NestedRunbookInstaller``); its
/// `describe`/`it` blocks (stdlib `testing`) are then run by `require("testing").run()`.
/// Failures are printed (`FAIL describe > it: message`) through `sink`.
public struct RunbookTestRunner: Sendable {
  /// Where the API calls go (a fresh simulator per file, for `terun test`).
  public var client: ClientConfiguration
  /// `TERUN_PATH` folders.
  public var searchPath: [String]
  /// The sandbox limits of the test file and of the runbooks it runs.
  public var limits: RunLimits
  /// Also print `ok   name` for passing tests.
  public var verbose: Bool

  /// Creates a runner.
  public init(client: ClientConfiguration, searchPath: [String], limits: RunLimits, verbose: Bool = false) {
    self.client = client
    self.searchPath = searchPath
    self.limits = limits
    self.verbose = verbose
  }

  /// Runs the test file at `path` (relative to `currentDirectory`) and returns its counts.
  /// Never throws for a failing test or a broken file: those are failures in the outcome.
  public func run(file path: String, currentDirectory: String, sink: OutputSink) async -> RunbookTestOutcome {
    let apiClient: ThousandEyesClient
    do {
      apiClient = try ThousandEyesClient(configuration: client)
    } catch {
      sink.writeOutput(Array("FAIL \(path): cannot make an API client: \(error)\n".utf8))
      return RunbookTestOutcome(file: path, passed: 0, failed: 1)
    }
    let outcome: RunbookTestOutcome = await withCheckedContinuation { continuation in
      let thread = Thread {
        continuation.resume(
          returning: self.runOnCurrentThread(
            path: path, currentDirectory: currentDirectory, apiClient: apiClient, sink: sink))
      }
      thread.name = "terun-test"
      thread.stackSize = RunbookRunner.threadStackSize
      thread.start()
    }
    try? await apiClient.shutdown()
    return outcome
  }

  func runOnCurrentThread(
    path: String, currentDirectory: String, apiClient: ThousandEyesClient, sink: OutputSink
  ) -> RunbookTestOutcome {
    func failure(_ message: String) -> RunbookTestOutcome {
      sink.writeOutput(Array("FAIL \(path): \(message)\n".utf8))
      return RunbookTestOutcome(file: path, passed: 0, failed: 1)
    }
    let absolute =
      path.hasPrefix("/") ? path : (currentDirectory as NSString).appendingPathComponent(path)
    guard let data = FileManager.default.contents(atPath: absolute) else {
      return failure("cannot read the file")
    }
    let folder = ((absolute as NSString).deletingLastPathComponent as NSString).standardizingPath
    let outputDirectory: String
    do {
      outputDirectory = try NestedRun.makeTemporaryFolder()
    } catch {
      return failure("\(error)")
    }
    defer { try? FileManager.default.removeItem(atPath: outputDirectory) }
    let counts = TestCounts()
    let host = TestFileInstaller(source: Array(data), name: path, verbose: verbose, counts: counts)
    let driver = RunbookSource(internal: Self.driverPath, folder: folder)
    let configuration = RunConfiguration(
      source: driver, header: RunbookHeader(), parameters: [:], outputDirectory: outputDirectory,
      limits: limits, searchPath: searchPath, dryRun: false, client: client)
    let installers: [any TEModuleInstaller] = [
      TEAPIInstaller(client: apiClient), NestedRunbookInstaller(client: apiClient), host,
    ]
    do {
      try RunbookRunner(configuration: configuration, sink: sink, installers: installers).runOnCurrentThread()
    } catch {
      var outcome = failure((error as? any TerunFailure)?.message ?? "\(error)")
      // A limit or a sandbox rule stops the test run as it stops a run: exit 3.
      if ExitStatus.of(error) == .limitOrSandbox { outcome.stopped = (error as? any TerunFailure)?.message }
      return outcome
    }
    guard let passed = counts.passed, let failed = counts.failed else {
      return failure("testing.run() reported no counts")
    }
    return RunbookTestOutcome(file: path, passed: passed, failed: failed)
  }

  /// The chunk that loads the test file (handed over in `te.__terun_test`, removed before the
  /// file runs), runs it to collect its tests, runs them and reports the counts.
  static let driverPath = "terun/test_driver.lua"
}

/// The counts a test file reported.
final class TestCounts: @unchecked Sendable {
  var passed: Int?
  var failed: Int?
}

/// Hands a test file's source and a `report(passed, failed)` callback to the driver.
struct TestFileInstaller: TEModuleInstaller {
  let source: [UInt8]
  let name: String
  let verbose: Bool
  let counts: TestCounts

  func install(into module: TEModule, context: RunContext) throws {
    let counts = self.counts
    try module.set("__terun_test.source", .string(source))
    try module.set("__terun_test.name", .text(name))
    try module.set("__terun_test.verbose", .boolean(verbose))
    module.setFunction("__terun_test.report") { call in
      counts.passed = Int(try call.integer(1))
      counts.failed = Int(try call.integer(2))
      return 0
    }
  }
}
