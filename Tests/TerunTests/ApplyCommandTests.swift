import Foundation
import Testing

/// `terun apply PLAN` against a standalone in-process simulator: exact changes, placeholders,
/// drift (exit 5), --force, and refusals.
@Suite("terun apply, end to end", .serialized)
struct ApplyCommandTests {
  /// Plans `runbook` into `folder/plan.json` and returns the plan file's URL.
  func plan(
    _ runbook: String, _ parameters: [String] = [], sim: DryRunSimulator, folder: ScratchFolder
  ) async throws -> URL {
    let result = try await runTerun(
      ["run", dryRunFixture(runbook)] + parameters + ["--plan-out", "plan.json"], in: folder.url,
      environment: sim.environment)
    try #require(result.status == 0, "\(result.stderr)")
    return folder.url.appendingPathComponent("plan.json")
  }

  @Test func applyWithoutATokenSaysHowToGiveOneAndExits4() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let planFile = try await plan("onboard.lua", sim: sim, folder: folder)
    var environment = sim.environment
    environment["TE_TOKEN"] = ""
    let result = try await runTerun(["apply", planFile.path], in: folder.url, environment: environment)
    #expect(result.status == 4, "\(result.stderr)")
    #expect(result.stderr == "terun: no API token: set TE_TOKEN, pass --token-file FILE, or use --sim\n")
    #expect(result.stdout.isEmpty, "\(result.stdout)")
  }

  @Test func applyingTheSavedPlanMakesExactlyThoseChanges() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let usersBefore = try await sim.usersByEmail()
    let rulesBefore = try await sim.object("/alerts/rules")["alertRules"] as? [[String: Any]] ?? []
    let testBefore = try await sim.object("/tests/agent-to-server/123456")
    let planFile = try await plan("onboard.lua", sim: sim, folder: folder)

    let result = try await runTerun(["apply", planFile.path], in: folder.url, environment: sim.environment)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("Apply complete: 5 created, 1 updated, 1 deleted."), "\(result.stdout)")
    #expect(
      result.stdout.contains("+ created user \"onboard user 1\" (POST /v7/users: 201) → uid "),
      "\(result.stdout)")
    #expect(
      result.stdout.contains("- deleted alert rule 9004 \"High Latency\" (DELETE /v7/alerts/rules/9004: 204)")
    )
    #expect(!result.stdout.contains(DryRunSimulator.token) && !result.stderr.contains(DryRunSimulator.token))

    // Exactly five new users, each with the planned role; the others untouched.
    let usersAfter = try await sim.usersByEmail()
    let added = Set(usersAfter.keys).subtracting(usersBefore.keys)
    #expect(added == Set((1...5).map { "onboard.user\($0)@example.com" }))
    #expect(Set(usersBefore.keys).isSubset(of: Set(usersAfter.keys)))
    for email in added {
      let uid = try #require(usersAfter[email]?["uid"] as? String)
      #expect(try await roleIds(sim, uid) == ["3"], "\(email)")
    }
    // The test's interval changed and nothing else the update could touch.
    let testAfter = try await sim.object("/tests/agent-to-server/123456")
    #expect(testAfter["interval"] as? Int == 300)
    for key in ["testName", "server", "protocol", "enabled", "alertsEnabled"] {
      #expect("\(testAfter[key] ?? "nil")" == "\(testBefore[key] ?? "nil")", "\(key)")
    }
    // Rule 9004 is gone and only it.
    let rulesAfter = try await sim.object("/alerts/rules")["alertRules"] as? [[String: Any]] ?? []
    let ids = { (rules: [[String: Any]]) in Set(rules.compactMap { $0["ruleId"] as? String }) }
    #expect(ids(rulesBefore).subtracting(ids(rulesAfter)) == ["9004"])
    #expect(ids(rulesAfter).isSubset(of: ids(rulesBefore)))
  }

  @Test func aUserCreatedInThePlanEndsWithTheRoleGivenLater() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let planFile = try await plan("role_later.lua", sim: sim, folder: folder)
    let text = try String(contentsOf: planFile, encoding: .utf8)
    #expect(text.contains("\"path\" : \"/users/~known-after-apply-1.uid~\""), "\(text)")
    #expect(text.contains("\"consumes\" : [\n        \"~known-after-apply-1.uid~\""), "\(text)")

    let result = try await runTerun(["apply", planFile.path], in: folder.url, environment: sim.environment)
    #expect(result.status == 0, "\(result.stderr)")
    let user = try #require(try await sim.usersByEmail()["role.later@example.com"])
    let uid = try #require(user["uid"] as? String)
    #expect(
      result.stdout.contains("~ updated user \(uid) \"Role Later\" (PUT /v7/users/\(uid): 200)"),
      "\(result.stdout)")
    #expect(try await roleIds(sim, uid) == ["2"])
  }

  @Test func aTestChangedSinceThePlanStopsApplyWithExit5() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let planFile = try await plan("onboard.lua", sim: sim, folder: folder)
    let changed = try await sim.send("PUT", "/tests/agent-to-server/123456", body: ["interval": 900])
    try #require(changed.status == 200, "\(String(describing: changed.body))")
    let before = try await sim.onboardState()

    let result = try await runTerun(["apply", planFile.path], in: folder.url, environment: sim.environment)
    #expect(result.status == 5, "\(result.stdout)\n\(result.stderr)")
    #expect(result.stderr.contains("plan drift: agent-to-server test 123456"), "\(result.stderr)")
    #expect(result.stderr.contains("interval: 600 → 900"), "\(result.stderr)")
    #expect(result.stderr.contains("Nothing further was sent"))
    #expect(try await sim.onboardState() == before, "apply must send nothing after finding drift")

    let forced = try await runTerun(
      ["apply", planFile.path, "--force"], in: folder.url, environment: sim.environment)
    #expect(forced.status == 0, "\(forced.stderr)")
    #expect(forced.stderr.contains("applying anyway (--force)"))
    #expect(try await sim.object("/tests/agent-to-server/123456")["interval"] as? Int == 300)
  }

  @Test func aSecondUpdateOfTheSameObjectDiffsFromTheFirstAndIsNotDrift() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let planned = try await runTerun(
      ["run", dryRunFixture("twice.lua"), "--plan-out", "plan.json"], in: folder.url,
      environment: sim.environment)
    #expect(planned.status == 0, "\(planned.stderr)")
    #expect(planned.stdout.contains("    interval: 600 → 300\n"), "\(planned.stdout)")
    #expect(planned.stdout.contains("    interval: 300 → 120\n"), "\(planned.stdout)")
    let result = try await runTerun(
      ["apply", "plan.json"], in: folder.url, environment: sim.environment)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("Apply complete: 0 created, 2 updated, 0 deleted."))
    #expect(try await sim.object("/tests/agent-to-server/123456")["interval"] as? Int == 120)
  }

  @Test func aDeletedObjectIsDriftToo() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let planFile = try await plan("onboard.lua", sim: sim, folder: folder)
    #expect(try await sim.send("DELETE", "/alerts/rules/9004").status == 204)
    let result = try await runTerun(["apply", planFile.path], in: folder.url, environment: sim.environment)
    #expect(result.status == 5)
    #expect(result.stderr.contains("alert rule 9004 \"High Latency\""), "\(result.stderr)")
    #expect(result.stderr.contains("it no longer exists"), "\(result.stderr)")
  }

  @Test func refusesAPlanForAnotherAPIAndBrokenPlanFiles() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let planFile = try await plan("onboard.lua", sim: sim, folder: folder)
    var environment = sim.environment
    environment["TE_BASE_URL"] = "http://127.0.0.1:9"
    let other = try await runTerun(["apply", planFile.path], in: folder.url, environment: environment)
    #expect(other.status == 2)
    #expect(
      other.stderr.contains("the plan was made against \(sim.server.baseURL), not http://127.0.0.1:9"),
      "\(other.stderr)")

    try folder.write("bad.json", "{\"format\": \"something-else\", \"version\": 1}")
    let bad = try await runTerun(["apply", "bad.json"], in: folder.url, environment: sim.environment)
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("bad.json: not a terun plan"), "\(bad.stderr)")
    let missing = try await runTerun(["apply", "nope.json"], in: folder.url, environment: sim.environment)
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("cannot read the plan file nope.json"))
  }
}
