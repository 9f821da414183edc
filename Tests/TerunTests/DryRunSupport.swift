import Foundation
import Simulator

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A standalone in-process simulator for the dry-run and apply tests, reached by the `terun`
/// subprocess through `TE_BASE_URL` and `TE_TOKEN`, and read back by the tests over HTTP.
final class DryRunSimulator: @unchecked Sendable {
  static let token = "tok-DRYRUN-never-in-plans-5e0c2a91"

  let server: SimulatorServer
  private let session: URLSession

  private init(server: SimulatorServer) {
    self.server = server
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = 10
    session = URLSession(configuration: configuration)
  }

  static func start() async throws -> DryRunSimulator {
    var options = SimulatorOptions()
    options.token = token
    options.rateLimit = nil
    return DryRunSimulator(server: try await SimulatorServer.start(options))
  }

  func stop() async {
    await server.stop()
    try? FileManager.default.removeItem(atPath: stateDirectory)
  }

  /// Where `terun apply` records the plans applied against this simulator.
  let stateDirectory = FileManager.default.temporaryDirectory
    .appendingPathComponent("terun-state-\(UUID())").path

  /// The environment that points `terun` at this simulator (and at its own state folder).
  var environment: [String: String] {
    [
      "TE_BASE_URL": server.baseURL, "TE_TOKEN": Self.token, "NO_COLOR": "1",
      "TERUN_STATE_DIR": stateDirectory,
    ]
  }

  /// Sends a request and returns the status and decoded body (nil when empty).
  func send(_ method: String, _ path: String, body: [String: Any]? = nil) async throws -> (
    status: Int, body: Any?
  ) {
    var request = URLRequest(url: URL(string: server.baseURL + "/v7" + path)!)
    request.httpMethod = method
    request.setValue("Bearer \(Self.token)", forHTTPHeaderField: "Authorization")
    if let body {
      request.httpBody = try JSONSerialization.data(withJSONObject: body)
      request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    let (data, response) = try await session.data(for: request)
    let status = (response as? HTTPURLResponse)?.statusCode ?? 0
    return (status, data.isEmpty ? nil : try JSONSerialization.jsonObject(with: data))
  }

  /// `GET path` as a JSON object (empty when not an object).
  func object(_ path: String) async throws -> [String: Any] {
    try await send("GET", path).body as? [String: Any] ?? [:]
  }

  /// The users, as `email -> user`.
  func usersByEmail() async throws -> [String: [String: Any]] {
    let users = try await object("/users")["users"] as? [[String: Any]] ?? []
    var byEmail: [String: [String: Any]] = [:]
    for user in users { byEmail[user["email"] as? String ?? ""] = user }
    return byEmail
  }

  /// The state the onboard runbook touches: user emails, the test's interval, whether rule 9004
  /// exists, and the rule ids.
  func onboardState() async throws -> [String] {
    let emails = try await usersByEmail().keys.sorted()
    let test = try await object("/tests/agent-to-server/123456")
    let rule = try await send("GET", "/alerts/rules/9004").status
    let rules = (try await object("/alerts/rules")["alertRules"] as? [[String: Any]] ?? [])
      .compactMap { $0["ruleId"] as? String }.sorted()
    return emails + ["interval=\(test["interval"] ?? "nil")", "rule9004=\(rule)", "rules=\(rules)"]
  }
}

/// Runs `terun` off the cooperative thread pool, so the in-process simulator keeps serving.
func runTerun(
  _ arguments: [String], in directory: URL = TerunProcess.packageRoot, environment: [String: String]
) async throws -> TerunProcess.Result {
  try await withCheckedThrowingContinuation { continuation in
    let thread = Thread {
      continuation.resume(
        with: Result { try TerunProcess.run(arguments, in: directory, environment: environment) })
    }
    thread.start()
  }
}

/// The path of a dry-run fixture runbook.
func dryRunFixture(_ name: String) -> String {
  TerunProcess.packageRoot.appendingPathComponent("runbooks/tests/dryrun/\(name)").path
}
