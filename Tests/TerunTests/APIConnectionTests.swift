import Foundation
import Simulator
import Testing

/// End to end: the connection options and the exit codes of API failures, with `terun` run as
/// a subprocess against an in-process simulator over real HTTP.
@Suite final class APIConnectionTests {
  private let simulator: SimulatorServer
  private let token: String

  init() async throws {
    let token = "sim-token-\(UUID().uuidString)"
    self.token = token
    var options = SimulatorOptions()
    options.token = token
    options.rateLimit = nil
    simulator = try await SimulatorServer.start(options)
  }

  deinit {
    Task { [simulator] in await simulator.stop() }
  }

  private func run(
    _ source: String, arguments: [String] = [], token: String? = nil, extraEnvironment: [String: String] = [:]
  ) async throws -> (TerunProcess.Result, ScratchFolder) {
    let folder = try ScratchFolder()
    let runbook = try folder.write("probe.lua", source)
    var environment = ["TE_BASE_URL": simulator.baseURL, "TE_TOKEN": token ?? self.token]
    environment.merge(extraEnvironment) { _, new in new }
    let result = try await runTerun(
      ["run", runbook.path, "--out-dir", folder.url.path] + arguments, in: folder.url,
      environment: environment)
    return (result, folder)
  }

  @Test func aWrongTokenIsExit4WithTheRequestAndNoToken() async throws {
    let wrong = "wrong-\(UUID().uuidString)"
    let (result, _) = try await run("local agents = te.agents.list()\nprint(#agents)\n", token: wrong)
    #expect(result.status == 4, "\(result.stderr)")
    #expect(result.stderr.contains("probe.lua:1"), "\(result.stderr)")
    #expect(result.stderr.contains("GET /agents"), "\(result.stderr)")
    #expect(result.stderr.contains("401"), "\(result.stderr)")
    #expect(!(result.stderr.contains(wrong) || result.stdout.contains(wrong)))
  }

  @Test func aForbiddenAccountGroupIsExit4() async throws {
    // The simulator's token user does not belong to account group 9012 (docs/dev/simulator.md).
    let (result, _) = try await run("te.agents.list()\n", arguments: ["--aid", "9012"])
    #expect(result.status == 4, "\(result.stderr)")
    #expect(result.stderr.contains("403"), "\(result.stderr)")
  }

  @Test func anUncaughtNotFoundIsExit1AndACaughtOneIsInspectable() async throws {
    let (uncaught, _) = try await run("te.agents.get(987654321)\n")
    #expect(uncaught.status == 1, "\(uncaught.stderr)")
    #expect(uncaught.stderr.contains("probe.lua:1"), "\(uncaught.stderr)")
    #expect(uncaught.stderr.contains("404"), "\(uncaught.stderr)")
    #expect(uncaught.stderr.contains("/agents/987654321"), "\(uncaught.stderr)")

    let (caught, _) = try await run(
      """
      local ok, err = pcall(te.agents.get, 987654321)
      assert(not ok)
      print(err.status, err.method, err.path)
      """)
    #expect(caught.status == 0, "\(caught.stderr)")
    #expect(caught.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "404\tGET\t/agents/987654321")
  }

  @Test func tokenFileBaseURLAndAuditOptions() async throws {
    let folder = try ScratchFolder()
    let tokenFile = try folder.write("token.txt", token + "\n")
    let runbook = try folder.write("probe.lua", "print(#te.agents.list() > 0, te.config().base_url)\n")
    let audit = folder.url.appendingPathComponent("audit.jsonl")
    // No TE_TOKEN and a TE_BASE_URL that points nowhere: the options must win.
    let result = try await runTerun(
      [
        "run", runbook.path, "--out-dir", folder.url.path, "--token-file", tokenFile.path,
        "--base-url", simulator.baseURL + "/v7", "--audit", audit.path,
      ],
      in: folder.url, environment: ["TE_TOKEN": "", "TE_BASE_URL": "http://127.0.0.1:9"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("true\t" + simulator.baseURL), "\(result.stdout)")
    let lines = try String(contentsOf: audit, encoding: .utf8).split(separator: "\n")
    #expect(!lines.isEmpty)
    for line in lines {
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      #expect(object?["method"] as? String == "GET")
      #expect(object?["status"] as? Int == 200)
      #expect(!line.contains(token), "the audit file holds the token")
    }
  }

  @Test func aBadDurationOptionIsAUsageError() async throws {
    let (result, _) = try await run("print(1)\n", arguments: ["--read-timeout", "soon"])
    #expect(result.status == 2, "\(result.stderr)")
    #expect(result.stderr.contains("--read-timeout"), "\(result.stderr)")
  }
}
