import Foundation
import Simulator
import XCTest

/// End to end: the connection options and the exit codes of API failures, with `terun` run as
/// a subprocess against an in-process simulator over real HTTP.
final class APIConnectionTests: XCTestCase {
  private var simulator: SimulatorServer!
  private let token = "sim-token-\(UUID().uuidString)"

  override func setUp() async throws {
    var options = SimulatorOptions()
    options.token = token
    options.rateLimit = nil
    simulator = try await SimulatorServer.start(options)
  }

  override func tearDown() async throws {
    await simulator.stop()
  }

  private func run(
    _ source: String, arguments: [String] = [], token: String? = nil, extraEnvironment: [String: String] = [:]
  ) throws -> (TerunProcess.Result, ScratchFolder) {
    let folder = try ScratchFolder()
    let runbook = try folder.write("probe.lua", source)
    var environment = ["TE_BASE_URL": simulator.baseURL, "TE_TOKEN": token ?? self.token]
    environment.merge(extraEnvironment) { _, new in new }
    let result = try TerunProcess.run(
      ["run", runbook.path, "--out-dir", folder.url.path] + arguments, in: folder.url,
      environment: environment)
    return (result, folder)
  }

  func testAWrongTokenIsExit4WithTheRequestAndNoToken() throws {
    let wrong = "wrong-\(UUID().uuidString)"
    let (result, _) = try run("local agents = te.agents.list()\nprint(#agents)\n", token: wrong)
    XCTAssertEqual(result.status, 4, result.stderr)
    XCTAssertTrue(result.stderr.contains("probe.lua:1"), result.stderr)
    XCTAssertTrue(result.stderr.contains("GET /agents"), result.stderr)
    XCTAssertTrue(result.stderr.contains("401"), result.stderr)
    XCTAssertFalse(result.stderr.contains(wrong) || result.stdout.contains(wrong))
  }

  func testAForbiddenAccountGroupIsExit4() throws {
    // The simulator's token user does not belong to account group 9012 (docs/dev/simulator.md).
    let (result, _) = try run("te.agents.list()\n", arguments: ["--aid", "9012"])
    XCTAssertEqual(result.status, 4, result.stderr)
    XCTAssertTrue(result.stderr.contains("403"), result.stderr)
  }

  func testAnUncaughtNotFoundIsExit1AndACaughtOneIsInspectable() throws {
    let (uncaught, _) = try run("te.agents.get(987654321)\n")
    XCTAssertEqual(uncaught.status, 1, uncaught.stderr)
    XCTAssertTrue(uncaught.stderr.contains("probe.lua:1"), uncaught.stderr)
    XCTAssertTrue(uncaught.stderr.contains("404"), uncaught.stderr)
    XCTAssertTrue(uncaught.stderr.contains("/agents/987654321"), uncaught.stderr)

    let (caught, _) = try run(
      """
      local ok, err = pcall(te.agents.get, 987654321)
      assert(not ok)
      print(err.status, err.method, err.path)
      """)
    XCTAssertEqual(caught.status, 0, caught.stderr)
    XCTAssertEqual(
      caught.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "404\tGET\t/agents/987654321")
  }

  func testTokenFileBaseURLAndAuditOptions() throws {
    let folder = try ScratchFolder()
    let tokenFile = try folder.write("token.txt", token + "\n")
    let runbook = try folder.write("probe.lua", "print(#te.agents.list() > 0, te.config().base_url)\n")
    let audit = folder.url.appendingPathComponent("audit.jsonl")
    // No TE_TOKEN and a TE_BASE_URL that points nowhere: the options must win.
    let result = try TerunProcess.run(
      [
        "run", runbook.path, "--out-dir", folder.url.path, "--token-file", tokenFile.path,
        "--base-url", simulator.baseURL + "/v7", "--audit", audit.path,
      ],
      in: folder.url, environment: ["TE_TOKEN": "", "TE_BASE_URL": "http://127.0.0.1:9"])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue(result.stdout.hasPrefix("true\t" + simulator.baseURL), result.stdout)
    let lines = try String(contentsOf: audit, encoding: .utf8).split(separator: "\n")
    XCTAssertFalse(lines.isEmpty)
    for line in lines {
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      XCTAssertEqual(object?["method"] as? String, "GET")
      XCTAssertEqual(object?["status"] as? Int, 200)
      XCTAssertFalse(line.contains(token), "the audit file holds the token")
    }
  }

  func testABadDurationOptionIsAUsageError() throws {
    let (result, _) = try run("print(1)\n", arguments: ["--read-timeout", "soon"])
    XCTAssertEqual(result.status, 2, result.stderr)
    XCTAssertTrue(result.stderr.contains("--read-timeout"), result.stderr)
  }
}
