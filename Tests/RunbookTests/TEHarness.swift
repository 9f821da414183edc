import Foundation
import LuaHost
import Simulator
import Testing
import ThousandEyes

@testable import Runbook

/// Runs a runbook from runbooks/tests/te against an in-process simulator and captures what it
/// printed, what it logged, and how it ended.
struct TERun {
  var stdout: String
  var stderr: String
  var error: Error?
  var auditFile: String
}

enum TEHarness {
  static let token = "tok-UNIQUE-te-4b1d9e77"

  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  static func runbookURL(_ name: String) -> URL {
    packageRoot.appendingPathComponent("runbooks/tests/te/\(name)")
  }

  static func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "terun-te-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Runs `name` (a file in runbooks/tests/te) or `source` against a simulator.
  static func run(
    _ name: String, source: String? = nil, parameters: [String: ParameterValue] = [:], dryRun: Bool = false,
    simulator configure: (inout SimulatorOptions) -> Void = { _ in },
    client clientConfigure: (inout ClientConfiguration) -> Void = { _ in },
    planner: TEWritePlanner? = nil
  ) async throws -> TERun {
    var options = SimulatorOptions()
    options.token = token
    configure(&options)
    let sim = try await SimulatorServer.start(options)
    let directory = temporaryDirectory()
    let audit = directory.appendingPathComponent("audit.jsonl").path
    var clientConfiguration = ClientConfiguration(baseURL: URL(string: sim.baseURL)!, token: APIToken(token))
    clientConfiguration.auditFile = audit
    clientConfiguration.showsProgress = false
    clientConfiguration.retry.baseDelay = .milliseconds(20)
    clientConfiguration.retry.maxAttempts = 8
    clientConfigure(&clientConfiguration)

    let bytes: [UInt8]
    let displayName: String
    if let source {
      bytes = Array(source.utf8)
      displayName = name
    } else {
      bytes = Array(try Data(contentsOf: runbookURL(name)))
      displayName = name
    }
    let runbookSource = RunbookSource(displayName: displayName, bytes: bytes, folder: runbookURL("").path)
    let header = try RunbookHeader.parse(source: bytes, file: displayName)
    let configuration = RunConfiguration(
      source: runbookSource, header: header, parameters: parameters, outputDirectory: directory.path,
      limits: RunLimits(timeout: nil, maxMemory: ByteSize(bytes: 512 << 20)), logThreshold: .info,
      dryRun: dryRun, client: clientConfiguration)

    let stdoutPath = directory.appendingPathComponent("stdout").path
    let stderrPath = directory.appendingPathComponent("stderr").path
    let out = open(stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let err = open(stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let sink = OutputSink(stdout: out, stderr: err)
    let session = TEAPISession(
      client: try ThousandEyesClient(configuration: clientConfiguration), planner: planner)
    var failure: Error?
    do {
      try await RunbookRunner(configuration: configuration, sink: sink, installers: [session.installer]).run()
    } catch {
      failure = error
    }
    sink.flush()
    close(out)
    close(err)
    await session.close()
    await sim.stop()
    return TERun(
      stdout: (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "",
      stderr: (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "",
      error: failure, auditFile: audit)
  }
}
