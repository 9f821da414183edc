import Foundation
import Simulator
import Testing

/// Two `terun` processes on one host create users at once against a rate-limited simulator:
/// they share the organization's budget through TERUN_STATE_DIR and meet no 429.
@Suite("Two processes share one rate budget")
struct SharedBudgetEndToEndTests {
  static func csv(prefix: String, count: Int) -> String {
    var text = "name,email,account_group,roles\n"
    for i in 1...count {
      text += "User \(i),\(prefix).\(i)@example.com,Main Account Group,Regular User\n"
    }
    return text
  }

  /// The statuses in an audit file, one per request attempt.
  static func statuses(_ path: URL) throws -> [Int] {
    let text = try String(contentsOf: path, encoding: .utf8)
    return try text.split(separator: "\n").map { line in
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
      return object["status"] as? Int ?? 0
    }
  }

  @Test(.timeLimit(.minutes(3)))
  func twoRunsAtOnceMeetNo429() async throws {
    var options = SimulatorOptions()
    // 10 per 2 s: each run alone would spend the whole budget of every window.
    options.rateLimit = .init(limit: 10, window: 2)
    options.latency = 40...80
    let server = try await SimulatorServer.start(options)
    defer { Task { await server.stop() } }
    let folder = try ScratchFolder()
    try folder.write("a.csv", Self.csv(prefix: "alpha", count: 16))
    try folder.write("b.csv", Self.csv(prefix: "beta", count: 16))
    let state = folder.url.appendingPathComponent("state").path
    let environment = ["TE_BASE_URL": server.baseURL, "TE_TOKEN": server.token, "TERUN_STATE_DIR": state]

    let url = folder.url
    async let first = RunbookBulkUsersTests.runTerun(
      ["bulk_create_users", "csv=a.csv", "--audit", "a.jsonl"], in: url, environment: environment)
    async let second = RunbookBulkUsersTests.runTerun(
      ["bulk_create_users", "csv=b.csv", "--audit", "b.jsonl"], in: url, environment: environment)
    let runs = try await [first, second]

    for (run, name) in zip(runs, ["a", "b"]) {
      #expect(run.status == 0, "\(name): \(run.stderr.suffix(2000))")
      #expect(
        run.stdout.contains("Created 16, updated 0, skipped 0, failed 0 (16 row(s) in "), "\(run.stdout)")
      #expect(run.stdout.contains("/\(name).csv)"), "\(run.stdout)")
    }
    let statuses =
      try Self.statuses(folder.url.appendingPathComponent("a.jsonl"))
      + Self.statuses(folder.url.appendingPathComponent("b.jsonl"))
    #expect(
      statuses.filter { $0 == 429 }.isEmpty,
      "429s: \(statuses.filter { $0 == 429 }.count) of \(statuses.count)")
    #expect(statuses.filter { $0 == 201 || $0 == 200 }.count == statuses.count)
    // Both went through the one file in TERUN_STATE_DIR.
    let budget = try String(contentsOfFile: state + "/rate-budgets.json", encoding: .utf8)
    #expect(budget.contains(server.baseURL + "|"))
    #expect(!budget.contains(server.token))
  }

  /// A te.parallel item that never finishes is stopped by the run's limits like any Lua: one
  /// spinning in Lua, one sending requests forever, one spinning while others wait on answers.
  @Test(arguments: [
    ("--timeout 2s", "while true do end", "timeout after 2s (--timeout)"),
    ("--timeout 2s", "while true do te.get('/account-groups') end", "timeout after 2s (--timeout)"),
    (
      "--max-instructions 5000000", "if item == 2 then while true do end end te.get('/account-groups')",
      "instruction limit exceeded (--max-instructions 5000000)"
    ),
  ])
  func aRunawayItemIsStoppedByTheLimits(limit: String, body: String, message: String) throws {
    let folder = try ScratchFolder()
    try folder.write(
      "spin.lua",
      """
      runbook { name = "spin" }
      print("before")
      te.parallel({ 1, 2, 3, 4 }, function(item)
        \(body)
      end)
      print("after")
      """)
    let result = try TerunProcess.run(
      ["run", "--sim", "spin.lua"] + limit.split(separator: " ").map(String.init), in: folder.url,
      deadline: 60)
    #expect(!result.timedOut)
    #expect(result.status == 3, "\(limit) \(body): exit \(result.status)\n\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("terun: \(message)"), "\(result.stderr)")
    #expect(result.stdout == "before\n")
  }

  @Test func maxConcurrencyMustBePositive() throws {
    let result = try TerunProcess.run(["run", "--sim", "--max-concurrency", "0", "hello", "name=x"])
    #expect(result.status == 2)
    #expect(
      result.stderr.contains("--max-concurrency: expected a positive integer, got 0"), "\(result.stderr)")
  }
}
