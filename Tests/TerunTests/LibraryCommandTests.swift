import Foundation
import Testing

@Suite("terun list, describe by name, test, and the README's export, end to end")
struct LibraryCommandTests {
  static let shippedRunbooks = [
    "active_alerts", "assign_alert_rule", "assign_users", "bulk_create_users", "cloud_agent_ips",
    "create_role",
    "export_latency", "export_metrics", "export_tests", "latency_report", "maintenance_window",
    "offboard_users",
    "swap_agent", "sync_tests", "tag_tests", "tests_inventory", "toggle_interval",
  ]

  @Test func listShowsTheBuiltInRunbooksWithDescriptions() throws {
    let folder = try ScratchFolder()
    let result = try TerunProcess.run(["list"], in: folder.url)
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first?.hasPrefix("NAME") == true)
    for name in Self.shippedRunbooks {
      let line = lines.first { $0.hasPrefix(name + " ") }
      #expect(line?.contains("built-in") == true, "\(name) is listed as built-in")
    }
    let export = try #require(lines.first { $0.hasPrefix("export_latency ") })
    #expect(export.contains("Exports a network metric of a test"))
    let names = lines.dropFirst().compactMap { $0.split(separator: " ").first.map(String.init) }
    #expect(!names.contains { $0.hasSuffix("_test") }, "runbook tests are not runbooks")
    #expect(!result.stdout.contains("tests.te"), "test fixtures are not runbooks")
  }

  @Test func listFindsLocalAndTerunPathRunbooksFirst() throws {
    let folder = try ScratchFolder()
    try folder.write(
      "runbooks/export_latency.lua", "runbook { name = \"export_latency\", description = \"Local copy.\" }\n")
    try folder.write("lib/audit.lua", "runbook { name = \"audit\", description = \"From TERUN_PATH.\" }\n")
    try folder.write("runbooks/local_only_test.lua", "-- a test, not a runbook\n")
    let result = try TerunProcess.run(
      ["list", "--json"], in: folder.url,
      environment: ["TERUN_PATH": folder.url.appendingPathComponent("lib").path])
    #expect(result.status == 0, "\(result.stderr)")
    let entries =
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: String]] ?? []
    let byName = Dictionary(entries.map { ($0["name"] ?? "", $0) }, uniquingKeysWith: { first, _ in first })
    #expect(byName["export_latency"]?["source"] == "./runbooks")
    #expect(byName["export_latency"]?["description"] == "Local copy.")
    #expect(byName["audit"]?["description"] == "From TERUN_PATH.")
    #expect(byName["toggle_interval"]?["source"] == "built-in")
    #expect(byName["local_only_test"] == nil)
    #expect(entries.filter { $0["name"] == "export_latency" }.count == 1)
  }

  @Test func describeWorksByNameAndByPath() throws {
    let folder = try ScratchFolder()
    let byName = try TerunProcess.run(["describe", "export_latency"], in: folder.url)
    #expect(byName.status == 0, "\(byName.stderr)")
    for parameter in ["test_id", "window", "start", "end", "metric", "out"] {
      #expect(byName.stdout.contains("  \(parameter) "), "\(parameter) in the table")
    }
    let byPath = try TerunProcess.run(["describe", "runbooks/export_latency.lua"])
    #expect(byPath.status == 0)
    #expect(byPath.stdout.contains("test_id"))
    let missing = try TerunProcess.run(["describe", "no_such_runbook"], in: folder.url)
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("runbook not found: no_such_runbook"))
  }

  @Test func readmeExportPrintsOneRowPerRoundAndOneColumnPerAgent() throws {
    let folder = try ScratchFolder()
    let result = try TerunProcess.run(
      ["run", "--sim", "export_latency", "test_id=123456", "window=1h", "out=-"], in: folder.url)
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines.last == "")
    let header = lines[0]
    #expect(header.hasPrefix("Round ID,Date,"))
    // The simulator's test 123456 runs on its 10 Cloud Agents, every 600 s: six rounds in an hour.
    #expect(header.contains("\"Boston, MA\""))
    #expect(header.contains("Singapore"))
    let rows = lines.dropFirst().dropLast()
    #expect(rows.count == 6)
    var previous = 0
    for row in rows {
      let fields = row.split(separator: ",", omittingEmptySubsequences: false)
      let round = try #require(Int(fields[0]))
      #expect(round % 600 == 0 && round > previous)
      previous = round
      #expect(fields[1].hasSuffix("Z"))
      #expect(fields.count == 12, "Round ID, Date and 10 agents: \(row)")
    }
    // By name: the shorthand reaches the built-in runbook too.
    let short = try TerunProcess.run(["--sim", "export_latency", "test_id=123456", "out=-"], in: folder.url)
    #expect(short.status == 0, "\(short.stderr)")
    #expect(short.stdout.hasPrefix("Round ID,Date,"))
  }

  @Test func theShippedRunbookTestsPass() throws {
    let result = try TerunProcess.run(["test", "runbooks/"])
    #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
    let last = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
    #expect(last.range(of: #"^\d+ passed, 0 failed$"#, options: .regularExpression) != nil, "\(last)")
    for name in Self.shippedRunbooks {
      #expect(result.stdout.contains("runbooks/\(name)_test.lua: "), "\(name) has a test file")
    }
    let passed = Int(last.split(separator: " ")[0]) ?? 0
    #expect(passed >= 40)
  }

  @Test func failingTestsAreCountedAndSetTheExitStatus() throws {
    let folder = try ScratchFolder()
    try folder.write(
      "runbooks/mixed_test.lua",
      """
      local testing = require("testing")
      testing.describe("mixed", function()
        testing.it("passes against the simulator", function()
          testing.assert.equals("123456", te.tests.get(123456).testId)
        end)
        testing.it("fails with a message", function()
          testing.assert.equals(1, 2)
        end)
      end)
      """)
    try folder.write("runbooks/broken_test.lua", "this is not Lua\n")
    let result = try TerunProcess.run(["test"], in: folder.url)
    #expect(result.status == 1)
    #expect(result.stdout.contains("FAIL mixed > fails with a message: "))
    #expect(result.stdout.contains("expected 1, got 2"))
    #expect(result.stdout.contains("FAIL runbooks/broken_test.lua: "))
    #expect(result.stdout.hasSuffix("\n1 passed, 2 failed\n"), "\(result.stdout)")
    let missing = try TerunProcess.run(["test", "nowhere"], in: folder.url)
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("nowhere: no such file or folder"))
  }

  @Test func eachTestFileGetsAFreshSimulator() throws {
    let folder = try ScratchFolder()
    let body = """
      local testing = require("testing")
      testing.it("starts from 600 and toggles", function()
        testing.assert.equals(600, te.tests.get(123456).interval)
        local run = te.run_runbook("toggle_interval", { test_id = 123456 })
        testing.assert.is_true(run.ok, run.error)
        testing.assert.equals(300, te.tests.get(123456).interval)
      end)
      """
    try folder.write("t/a_test.lua", body)
    try folder.write("t/b_test.lua", body)
    let result = try TerunProcess.run(["test", "t"], in: folder.url)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.hasSuffix("2 passed, 0 failed\n"))
  }
}
