import Foundation
import Testing

/// Issue 14, "plans you can trust", end to end: the `terun` binary against an in-process
/// simulator over HTTP. A clean dry run means a clean apply, exactly once.
@Suite("Plans you can trust, end to end", .serialized)
struct PlanTrustTests {
  // MARK: Helpers

  private func terun(_ arguments: [String], _ sim: DryRunSimulator, _ folder: ScratchFolder) async throws
    -> TerunProcess.Result
  {
    try await runTerun(arguments, in: folder.url, environment: sim.environment)
  }

  /// Plans `arguments` (a `terun run` command line) into `folder/plan.json`.
  private func plan(_ arguments: [String], _ sim: DryRunSimulator, _ folder: ScratchFolder) async throws
    -> URL
  {
    let result = try await terun(["run"] + arguments + ["--plan-out", "plan.json"], sim, folder)
    try #require(result.status == 0, "\(result.stdout)\n\(result.stderr)")
    return folder.url.appendingPathComponent("plan.json")
  }

  /// A JSON value as text with sorted keys, for comparisons.
  private func canonical(_ value: Any) throws -> String {
    String(
      decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]),
      as: UTF8.self)
  }

  /// Rewrites the plan file with `edit` applied to its JSON.
  private func edit(_ file: URL, _ edit: (inout [String: Any]) -> Void) throws {
    var object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
    edit(&object)
    try JSONSerialization.data(withJSONObject: object).write(to: file)
  }

  /// Edits write `index` (0-based) of a plan.
  private func editWrite(_ file: URL, _ index: Int, _ change: @escaping (inout [String: Any]) -> Void) throws
  {
    try edit(file) { plan in
      var writes = plan["writes"] as! [[String: Any]]
      change(&writes[index])
      plan["writes"] = writes
    }
  }

  // MARK: Saving a plan loses nothing

  @Test func planOutReplacesAnExistingPlanEveryTimeAndThroughASymlinkedFolder() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    try FileManager.default.createDirectory(
      at: folder.url.appendingPathComponent("real"), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      atPath: folder.url.appendingPathComponent("link").path,
      withDestinationPath: folder.url.appendingPathComponent("real").path)
    for target in ["plan.json", "link/plan.json"] {
      for interval in [300, 900, 120] {
        let result = try await terun(
          ["run", "toggle_interval", "test_id=123456", "interval=\(interval)", "--plan-out", target], sim,
          folder)
        #expect(result.status == 0, "\(target) \(interval): \(result.stderr)")
        #expect(!result.stderr.contains("doesn't exist"), "\(result.stderr)")
        let saved = try String(contentsOf: folder.url.appendingPathComponent(target), encoding: .utf8)
        #expect(saved.contains("\"after\" : \(interval)"), "the new plan replaced the old one")
      }
    }
    #expect(folder.listing() == ["link", "plan.json", "real", "real/plan.json"], "no temporary files left")
  }

  // MARK: What plans cleanly applies cleanly

  @Test func aWriteTheAPIWouldRefuseFailsThePlanWithTheFieldAndTheRunbookLine() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let runbook = dryRunFixture("rule_read_only.lua")
    let result = try await terun(["run", runbook, "--plan-out", "plan.json"], sim, folder)
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        "rule_read_only.lua:23: te.put: PUT /v7/alerts/rules/9001 (updateAlertRule) would be refused by the API "
          + "(400 Bad Request): roundsViolatingMode READ_ONLY: roundsViolatingMode is read-only and cannot be sent in a request."
      ), "\(result.stderr)")
    #expect(
      !result.stderr.contains("stack traceback"), "a refusal is not a programming error: \(result.stderr)")
    #expect(!result.stdout.contains("Plan:"), "no plan is shown")
    #expect(folder.listing().isEmpty, "no plan is saved")

    // Caught by the runbook: still no plan, and still exit 1.
    let caught = try await terun(["run", runbook, "catch=true", "--plan-out", "plan.json"], sim, folder)
    #expect(caught.status == 1)
    #expect(caught.stdout.contains("caught: false validation"), "\(caught.stdout)")
    #expect(
      caught.stderr.contains("the plan is not saved: 1 planned write(s) would be refused by the API: ")
        && caught.stderr.contains("rule_read_only.lua:20: PUT /v7/alerts/rules/9001"), "\(caught.stderr)")
    #expect(folder.listing().isEmpty)

    // Live: refused before it is sent; the rule is unchanged.
    let before = try await sim.object("/alerts/rules/9001")
    let live = try await terun(["run", runbook], sim, folder)
    #expect(live.status == 1)
    #expect(live.stderr.contains("roundsViolatingMode READ_ONLY"), "\(live.stderr)")
    #expect(!live.stderr.contains("stack traceback"), "\(live.stderr)")
    #expect(try canonical(try await sim.object("/alerts/rules/9001")) == canonical(before))
  }

  @Test func aWriteNamingAnObjectThatDoesNotExistFailsThePlan() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let runbook = dryRunFixture("missing_refs.lua")
    let refused = "would be refused by the API (400 Bad Request): "
    let cases = [
      (
        "agent",
        "missing_refs.lua:14: te.put: PUT /v7/tests/agent-to-server/123456 (updateAgentToServerTest) \(refused)"
          + "agents[0].agentId INVALID_VALUE: Agent 999999 does not exist."
      ),
      (
        "rule",
        "missing_refs.lua:16: te.put: PUT /v7/tests/agent-to-server/123456 (updateAgentToServerTest) \(refused)alertRules[0] INVALID_VALUE: Alert rule 424242 does not exist."
      ),
      (
        "user",
        "missing_refs.lua:18: te.post: POST /v7/users (createUser) \(refused)"
          + "accountGroupRoles[0].accountGroupId INVALID_VALUE: Account group 9999 does not exist.; "
          + "accountGroupRoles[0].roleIds[0] INVALID_VALUE: Role 77 does not exist."
      ),
      (
        "permission",
        "missing_refs.lua:24: te.post: POST /v7/roles (createRole) \(refused)"
          + "permissions[0] INVALID_VALUE: Permission 999999 does not exist."
      ),
      (
        "bare_user",
        "missing_refs.lua:26: te.post: POST /v7/users (createUser) \(refused)"
          + "accountGroupRoles REQUIRED: accountGroupRoles or allAccountGroupRoleIds is required."
      ),
      (
        "bare_window",
        "missing_refs.lua:28: te.post: POST /v7/alert-suppression-windows (createAlertSuppressionWindow) \(refused)"
          + "startDate REQUIRED: startDate is required.; duration REQUIRED: duration is required."
      ),
    ]
    for (what, message) in cases {
      let result = try await terun(["run", runbook, "what=\(what)", "--plan-out", "plan.json"], sim, folder)
      #expect(result.status == 1, "\(what): \(result.stderr)")
      #expect(result.stderr.contains(message), "\(what): \(result.stderr)")
      #expect(folder.listing().isEmpty, "\(what): no plan is saved")
    }
    let good = try await terun(["run", runbook, "what=good", "--plan-out", "plan.json"], sim, folder)
    #expect(good.status == 0, "\(good.stderr)")
    let applied = try await terun(["apply", "plan.json"], sim, folder)
    #expect(applied.status == 0, "what plans cleanly applies cleanly: \(applied.stderr)")
  }

  @Test func aPartialUpdateOfAFullPutTestPlansOnlyTheChangeAndApplies() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let before = try await sim.object("/tests/http-server/200001?expand=agent")
    let target = (before["interval"] as? Int) == 300 ? 900 : 300
    let planFile = try await plan(["toggle_interval", "test_id=200001", "interval=\(target)"], sim, folder)
    let shown = try await terun(["show", planFile.path], sim, folder)
    #expect(shown.status == 0)
    #expect(
      shown.stdout.hasSuffix(
        "~ update http-server test 200001 \"\(before["testName"]!)\" (PUT /v7/tests/http-server/200001)\n"
          + "    interval: \(before["interval"]!) → \(target)\n"), "only the change is shown: \(shown.stdout)"
    )
    let applied = try await terun(["apply", planFile.path], sim, folder)
    #expect(applied.status == 0, "\(applied.stderr)")
    #expect(applied.stdout.contains("Apply complete: 0 created, 1 updated, 0 deleted."))
    let after = try await sim.object("/tests/http-server/200001?expand=agent")
    #expect(after["interval"] as? Int == target)
    for key in ["testName", "url", "agents", "enabled", "alertsEnabled"] {
      #expect(try canonical(after[key] ?? NSNull()) == canonical(before[key] ?? NSNull()), "\(key) is kept")
    }
    // Planned again: nothing to change.
    let again = try await terun(
      ["run", "toggle_interval", "test_id=200001", "interval=\(target)", "--dry-run"], sim, folder)
    #expect(again.status == 0)
    #expect(again.stdout.contains("Plan: 0 to create, 0 to update, 0 to delete."), "\(again.stdout)")
  }

  @Test func everyShippedRunbookThatWritesPlansNothingOnceItsPlanIsApplied() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    try folder.write(
      "users.csv",
      "name,email,account_group,roles\nAna Lima,ana.replan@example.com,Main Account Group,Regular User\n"
        + "Bo Chen,bo.replan@example.com,Network Operations,Account Admin;Regular User\n")
    let runbooks: [[String]] = [
      ["toggle_interval", "test_id=123456", "interval=300"],
      ["bulk_create_users", "csv=users.csv"],
      [
        "assign_users", "emails=tim.liskov.1003@example.com", "account_group=Network Operations",
        "roles=Regular User",
      ],
      [
        "create_role", "name=Replan Viewer", "permissions=View tests,View alerts",
        "users=ada.hopper.1002@example.com",
      ],
      ["maintenance_window", "pattern=example", "start=2026-12-02T01:00:00Z", "duration=2h"],
    ]
    for arguments in runbooks {
      let name = arguments[0]
      let first = try await terun(["run"] + arguments + ["--plan-out", "\(name).json"], sim, folder)
      #expect(first.status == 0, "\(name): \(first.stderr)")
      #expect(!first.stdout.contains("Plan: 0 to create, 0 to update, 0 to delete."), "\(name) plans changes")
      let applied = try await terun(["apply", "\(name).json"], sim, folder)
      #expect(applied.status == 0, "\(name): \(applied.stderr)")
      #expect(applied.stdout.contains("Apply complete:"), "\(name): \(applied.stdout)")
      let second = try await terun(["run"] + arguments + ["--dry-run"], sim, folder)
      #expect(second.status == 0, "\(name): \(second.stderr)")
      #expect(
        second.stdout.contains("Plan: 0 to create, 0 to update, 0 to delete."), "\(name): \(second.stdout)")
    }
  }

  @Test func randomEditsToTestsOfEveryTypePlanApplyAndReadBack() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let setup = try await terun(["run", dryRunFixture("setup_types.lua")], sim, folder)
    #expect(setup.status == 0, "\(setup.stderr)")
    #expect(setup.stdout.split(separator: "\n").count == 13, "one test of each of the 13 types")
    for seed in 1...3 {
      let planned = try await terun(
        ["run", dryRunFixture("edit_tests.lua"), "seed=\(seed)", "--plan-out", "plan.json"], sim, folder)
      #expect(planned.status == 0, "round \(seed): \(planned.stderr)")
      #expect(planned.stdout.contains("Plan: 0 to create, 13 to update, 0 to delete."), "\(planned.stdout)")
      let applied = try await terun(["apply", "plan.json"], sim, folder)
      #expect(applied.status == 0, "round \(seed): \(applied.stderr)")
      let checked = try await terun(
        ["run", dryRunFixture("check_tests.lua"), "expected=expected.json"], sim, folder)
      #expect(checked.status == 0, "round \(seed): \(checked.stdout) \(checked.stderr)")
      #expect(checked.stdout.contains(" 0 wrong"), "\(checked.stdout)")
    }
  }

  // MARK: Diffs show what changes, and only that

  @Test func passingBackAModifiedGetShowsOnlyTheChangedLeaves() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let runbook = dryRunFixture("pass_back.lua")
    let test = try await sim.object("/tests/agent-to-agent/200005?expand=agent")
    let agents = (test["agents"] as? [[String: Any]] ?? []).compactMap { $0["agentId"] as? String }
    let newAgent = try #require(
      (try await sim.object("/agents")["agents"] as? [[String: Any]] ?? []).compactMap {
        $0["agentId"] as? String
      }
      .first { !agents.contains($0) })
    let newAgentName = try #require(try await sim.object("/agents/\(newAgent)")["agentName"] as? String)
    let interval = (test["interval"] as? Int) == 900 ? 1800 : 900
    let args = [runbook, "test_id=200005", "interval=\(interval)", "agent_id=\(newAgent)"]
    let result = try await terun(["run"] + args + ["--dry-run"], sim, folder)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout.hasSuffix(
        "(PUT /v7/tests/agent-to-agent/200005)\n    agents: + \"\(newAgentName)\"\n    interval: \(test["interval"]!) → \(interval)\n"
      ), "\(result.stdout)")
    #expect(!result.stdout.contains("agentName"), "no wall of agent objects")
    let planFile = try await plan(args, sim, folder)
    let applied = try await terun(["apply", planFile.path], sim, folder)
    #expect(applied.status == 0, "\(applied.stderr)")
    let after = try await sim.object("/tests/agent-to-agent/200005?expand=agent")
    #expect(
      Set((after["agents"] as? [[String: Any]] ?? []).compactMap { $0["agentId"] as? String })
        == Set(agents + [newAgent]))
    let again = try await terun(["run"] + args + ["--dry-run"], sim, folder)
    #expect(again.stdout.contains("Plan: 0 to create, 0 to update, 0 to delete."), "\(again.stdout)")
  }

  @Test func anAddedAlertRuleIsShownByName() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let args = [dryRunFixture("add_rule.lua"), "test_id=200001", "rule=High Latency"]
    let result = try await terun(["run"] + args + ["--dry-run"], sim, folder)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout.hasSuffix("(PUT /v7/tests/http-server/200001)\n    alertRules: + \"High Latency\"\n"),
      "\(result.stdout)")
    let planFile = try await plan(args, sim, folder)
    #expect(try await terun(["apply", planFile.path], sim, folder).status == 0)
    let rules = try await sim.object("/tests/http-server/200001")["alertRules"] as? [Any] ?? []
    #expect(rules.contains { "\(($0 as? [String: Any])?["ruleId"] ?? $0)" == "9004" }, "\(rules)")
  }

  // MARK: Apply does exactly the plan, once

  @Test func anEditedMethodOrPathIsRefusedBeforeAnythingIsSent() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let before = try await sim.object("/tests/agent-to-server/123456")
    let target = (before["interval"] as? Int) == 300 ? 900 : 300
    let planFile = try await plan(["toggle_interval", "test_id=123456", "interval=\(target)"], sim, folder)

    try editWrite(planFile, 0) { $0["method"] = "DELETE" }
    let delete = try await terun(["apply", planFile.path, "--force"], sim, folder)
    #expect(delete.status == 2)
    #expect(
      delete.stderr.contains(
        "inconsistent plan: write 1: its method is DELETE, but updateAgentToServerTest is PUT /tests/agent-to-server/{testId}. Nothing was sent"
      ), "\(delete.stderr)")

    try editWrite(planFile, 0) {
      $0["method"] = "POST"
      $0["path"] = "/users"
      $0["pathTemplate"] = "/users"
    }
    let relabelled = try await terun(["apply", planFile.path, "--force"], sim, folder)
    #expect(relabelled.status == 2)
    #expect(
      relabelled.stderr.contains("inconsistent plan: write 1: its method is POST"), "\(relabelled.stderr)")

    try editWrite(planFile, 0) {
      $0["method"] = "PUT"
      $0["path"] = "/tests/agent-to-server/123456"
      $0["pathTemplate"] = "/tests/agent-to-server/{testId}"
      $0["snapshot"] = nil
    }
    let unchecked = try await terun(["apply", planFile.path, "--force"], sim, folder)
    #expect(unchecked.status == 2)
    #expect(unchecked.stderr.contains("carries no snapshot to check drift against"), "\(unchecked.stderr)")

    let after = try await sim.object("/tests/agent-to-server/123456")
    #expect(after["interval"] as? Int == before["interval"] as? Int, "nothing was sent")
    #expect(try await sim.usersByEmail().count == (try await sim.usersByEmail()).count)
  }

  @Test func aPathOrQueryThatSmugglesSomethingIsRefusedEvenWithForce() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let before = try await sim.object("/tests/agent-to-server/123456")
    let target = (before["interval"] as? Int) == 300 ? 900 : 300
    let planFile = try await plan(["toggle_interval", "test_id=123456", "interval=\(target)"], sim, folder)
    let original = try Data(contentsOf: planFile)
    let cases: [(String, (inout [String: Any]) -> Void, String)] = [
      (
        "query in the path", { $0["path"] = "/tests/agent-to-server/123456?aid=1234" },
        "its path /tests/agent-to-server/123456?aid=1234 has '123456?aid=1234' for {testId}, which is not a plain identifier"
      ),
      (
        "dot segments", { $0["path"] = "/tests/agent-to-server/.." },
        "has '..' for {testId}, which is not a plain identifier"
      ),
      (
        "escaped dots", { $0["path"] = "/tests/agent-to-server/%2e%2e" },
        "has '%2e%2e' for {testId}, which is not a plain identifier"
      ),
      (
        "a /v7 prefix", { $0["path"] = "/v7/tests/agent-to-server/123456" },
        "does not have the segments of updateAgentToServerTest's template /tests/agent-to-server/{testId}"
      ),
      (
        "an empty segment", { $0["path"] = "/tests//agent-to-server/123456" },
        "does not have the segments of updateAgentToServerTest's template"
      ),
      (
        "an unknown query parameter", { $0["query"] = [["name": "foo", "value": "x"]] },
        "its query parameter 'foo' is not one updateAgentToServerTest takes (it takes: aid, expand)"
      ),
      (
        "a repeated query parameter",
        { $0["query"] = [["name": "aid", "value": "1234"], ["name": "aid", "value": "5678"]] },
        "its query parameter 'aid' is given twice"
      ),
      (
        "another test's path", { $0["path"] = "/tests/agent-to-server/200001" },
        "its objectId is '123456', but its path names '200001'"
      ),
      (
        "another test's path and objectId",
        {
          $0["path"] = "/tests/agent-to-server/200001"
          $0["objectId"] = "200001"
        },
        "its snapshot is of testId \"123456\", but its path names '200001'"
      ),
    ]
    for (name, change, message) in cases {
      try original.write(to: planFile)
      try editWrite(planFile, 0, change)
      let result = try await terun(["apply", planFile.path, "--force"], sim, folder)
      #expect(result.status == 2, "\(name): \(result.stderr)")
      #expect(
        result.stderr.contains("inconsistent plan: write 1: ") && result.stderr.contains(message)
          && result.stderr.contains("Nothing was sent; make a new plan."), "\(name): \(result.stderr)")
    }
    let after = try await sim.object("/tests/agent-to-server/123456")
    #expect(after["interval"] as? Int == before["interval"] as? Int, "nothing was sent")
  }

  @Test func aBodyEditedBehindTheShownChangesIsRefusedAndShowWarns() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let before = try await sim.object("/tests/agent-to-server/123456")
    let current = before["interval"] as? Int ?? 0
    let target = current == 300 ? 900 : 300
    let planFile = try await plan(["toggle_interval", "test_id=123456", "interval=\(target)"], sim, folder)
    // The review shows `interval: current → target`; the body now says 60.
    try editWrite(planFile, 0) { write in
      var body = write["body"] as! [String: Any]
      body["interval"] = 60
      write["body"] = body
    }
    let shown = try await terun(["show", planFile.path], sim, folder)
    #expect(shown.status == 0)
    #expect(shown.stdout.contains("interval: \(current) → \(target)"), "\(shown.stdout)")
    #expect(
      shown.stderr.contains(
        "warning: terun apply refuses this plan: inconsistent plan: write 1: the changes it shows are not what its body does to the object (the body makes: interval: \(current) → 60)"
      ) && shown.stderr.contains("warning: the plan file was edited after it was made"), "\(shown.stderr)")
    let applied = try await terun(["apply", planFile.path, "--force"], sim, folder)
    #expect(applied.status == 2)
    #expect(
      applied.stderr.contains(
        "inconsistent plan: write 1: the changes it shows are not what its body does to the object (the body makes: interval: \(current) → 60). Nothing was sent"
      ), "\(applied.stderr)")
    #expect((try await sim.object("/tests/agent-to-server/123456"))["interval"] as? Int == current)
  }

  @Test func aPlanIsAppliedInTheAccountGroupItWasMadeFor() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let planFile = try await plan(
      [dryRunFixture("create_users.lua"), "emails=group@example.com"], sim, folder)
    for arguments in [["--aid", "5678"], ["--aid", "1234"]] {
      let other = try await terun(["apply", planFile.path] + arguments, sim, folder)
      #expect(other.status == 2, "\(arguments): \(other.stderr)")
      #expect(
        other.stderr.contains(
          "the plan was made for the token's default account group, not account group \(arguments[1]) "
            + "(--aid, TE_AID or the profile); apply it without another account group, or use --force"),
        "\(other.stderr)")
    }
    var environment = sim.environment
    environment["TE_AID"] = "5678"
    let fromEnvironment = try await runTerun(
      ["apply", planFile.path], in: folder.url, environment: environment)
    #expect(fromEnvironment.status == 2, "\(fromEnvironment.stderr)")
    #expect(try await sim.usersByEmail()["group@example.com"] == nil)
    let applied = try await terun(["apply", planFile.path], sim, folder)
    #expect(applied.status == 0, "\(applied.stderr)")
  }

  @Test func aPlanFromTheFutureIsRefusedUnlessForced() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let planFile = try await plan(
      [dryRunFixture("create_users.lua"), "emails=future@example.com"], sim, folder)
    try edit(planFile) { $0["createdAt"] = "2099-01-01T00:00:00Z" }
    let result = try await terun(["apply", planFile.path], sim, folder)
    #expect(result.status == 5)
    #expect(
      result.stderr.contains("the plan says it was made at 2099-01-01T00:00:00Z, ")
        && result.stderr.contains(
          " in the future; its age cannot be known (a clock is wrong, or the plan was edited)")
        && result.stderr.contains("Nothing was sent."), "\(result.stderr)")
    #expect(try await sim.usersByEmail()["future@example.com"] == nil)
    // A few seconds ahead is clock skew between machines, not a refusal.
    let skewed = try await plan(
      [dryRunFixture("create_users.lua"), "emails=skew@example.com"], sim, folder)
    let soon = ISO8601DateFormatter().string(from: Date().addingTimeInterval(60))
    try edit(skewed) { $0["createdAt"] = soon }
    let forced = try await terun(["apply", skewed.path, "--force"], sim, folder)
    #expect(forced.status == 0, "\(forced.stderr)")
    #expect(!forced.stderr.contains("in the future"), "\(forced.stderr)")
  }

  @Test func anEditedPlanOrAChangedRunbookIsRefusedUnlessForced() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let runbook = try folder.write(
      "set.lua",
      """
      runbook { name = "set", params = { interval = { type = "integer", required = true, help = "s" } } }
      te.tests.update("123456", { interval = te.params.interval })
      """)
    let before = try await sim.object("/tests/agent-to-server/123456")
    let target = (before["interval"] as? Int) == 300 ? 900 : 300
    let planFile = try await plan([runbook.path, "interval=\(target)"], sim, folder)

    try edit(planFile) { $0["parameters"] = ["interval": 60] }
    let edited = try await terun(["apply", planFile.path], sim, folder)
    #expect(edited.status == 5)
    #expect(edited.stderr.contains("the plan file was edited after it was made"), "\(edited.stderr)")

    _ = try await plan([runbook.path, "interval=\(target)"], sim, folder)
    try folder.write("set.lua", try String(contentsOf: runbook, encoding: .utf8) + "\nprint('changed')\n")
    let changed = try await terun(["apply", planFile.path], sim, folder)
    #expect(changed.status == 5)
    #expect(
      changed.stderr.contains("the runbook \(runbook.path) changed since the plan was made"),
      "\(changed.stderr)")
    #expect(
      (try await sim.object("/tests/agent-to-server/123456"))["interval"] as? Int == before["interval"]
        as? Int)

    let forced = try await terun(["apply", planFile.path, "--force"], sim, folder)
    #expect(forced.status == 0, "\(forced.stderr)")
    #expect(forced.stderr.contains("warning: the runbook"), "\(forced.stderr)")
    #expect((try await sim.object("/tests/agent-to-server/123456"))["interval"] as? Int == target)
  }

  @Test func aPlanIsAppliedOnceAndAnOldPlanIsRefused() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let emails = "once.a@example.com,once.b@example.com"
    let planFile = try await plan([dryRunFixture("create_users.lua"), "emails=\(emails)"], sim, folder)
    let first = try await terun(["apply", planFile.path], sim, folder)
    #expect(first.status == 0, "\(first.stderr)")
    let second = try await terun(["apply", planFile.path], sim, folder)
    #expect(second.status == 5)
    #expect(
      second.stderr.contains("the plan was already applied on ")
        && second.stderr.contains("(writes 1 and 2 of 2). A plan is applied once"), "\(second.stderr)")
    let users = try await sim.usersByEmail()
    #expect(users.keys.filter { $0.hasPrefix("once.") }.count == 2, "no duplicates")

    let old = try await plan([dryRunFixture("create_users.lua"), "emails=old.a@example.com"], sim, folder)
    try await Task.sleep(for: .seconds(2))
    let stale = try await terun(["apply", old.path, "--max-plan-age", "1s"], sim, folder)
    #expect(stale.status == 5)
    #expect(stale.stderr.contains("more than --max-plan-age 1s"), "\(stale.stderr)")
    #expect(try await sim.usersByEmail()["old.a@example.com"] == nil)
    let bad = try await terun(["apply", old.path, "--max-plan-age", "soon"], sim, folder)
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("--max-plan-age: invalid duration 'soon'"), "\(bad.stderr)")
  }

  @Test func twoAppliesOfOnePlanAtOnceApplyItOnce() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let planFile = try await plan(
      [dryRunFixture("create_users.lua"), "emails=race@example.com"], sim, folder)
    let directory = folder.url
    let environment = sim.environment
    async let first = runTerun(["apply", planFile.path], in: directory, environment: environment)
    async let second = runTerun(["apply", planFile.path], in: directory, environment: environment)
    let results = try await [first, second]
    #expect(results.map(\.status).sorted() == [0, 5], "\(results.map(\.stderr))")
    #expect(results.contains { $0.stderr.contains("A plan is applied once") })
    let users = try await sim.object("/users")["users"] as? [[String: Any]] ?? []
    #expect(users.filter { ($0["email"] as? String) == "race@example.com" }.count == 1)
  }

  @Test func twoResumesOfOnePlanAtOnceSendEachWriteOnce() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let planFile = try await plan(
      [dryRunFixture("rename_new_user.lua"), "email=both.a@example.com", "new_email=both.b@example.com"],
      sim, folder)
    let taken = try await sim.send(
      "POST", "/users",
      body: [
        "name": "Taken", "email": "both.b@example.com",
        "accountGroupRoles": [["accountGroupId": "1234", "roleIds": ["3"]]],
      ])
    let takenUid = try #require((taken.body as? [String: Any])?["uid"] as? String)
    let failed = try await terun(["apply", planFile.path], sim, folder)
    #expect(failed.status == 1, "\(failed.stderr)")
    #expect(try await sim.send("DELETE", "/users/\(takenUid)").status == 204)
    let directory = folder.url
    let environment = sim.environment
    async let first = runTerun(["apply", planFile.path, "--resume"], in: directory, environment: environment)
    async let second = runTerun(
      ["apply", planFile.path, "--resume"], in: directory, environment: environment)
    let results = try await [first, second]
    #expect(results.map(\.status).sorted() == [0, 5], "\(results.map(\.stderr))")
    let loser: String = results.first(where: { $0.status == 5 }).map { $0.stderr } ?? ""
    #expect(
      loser.contains("the plan is being applied by another terun right now")
        || loser.contains("--resume: the plan was already applied completely"), "\(loser)")
    #expect(results.filter { $0.stdout.contains("Apply complete: 0 created, 1 updated") }.count == 1)
  }

  @Test func aPlanRefusedBeforeAnythingIsSentIsNotRecordedAsApplied() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let planFile = try await plan(
      [dryRunFixture("create_users.lua"), "emails=kept.a@example.com,kept.b@example.com"], sim, folder)
    let made = try await sim.send(
      "POST", "/users",
      body: [
        "name": "Kept", "email": "Kept.B@example.com",
        "accountGroupRoles": [["accountGroupId": "1234", "roleIds": ["3"]]],
      ])
    let uid = try #require((made.body as? [String: Any])?["uid"] as? String)
    let refused = try await terun(["apply", planFile.path], sim, folder)
    #expect(refused.status == 5)
    #expect(
      refused.stderr.contains("a user with email \"kept.b@example.com\" (id \(uid)) appeared"),
      "\(refused.stderr)")
    #expect(try await sim.send("DELETE", "/users/\(uid)").status == 204)
    let resumed = try await terun(["apply", planFile.path, "--resume"], sim, folder)
    #expect(resumed.status == 2)
    #expect(resumed.stderr.contains("--resume: this plan was never applied"), "\(resumed.stderr)")
    let applied = try await terun(["apply", planFile.path], sim, folder)
    #expect(applied.status == 0, "nothing was sent, so the plan is not spent: \(applied.stderr)")
    #expect(applied.stdout.contains("Apply complete: 2 created, 0 updated, 0 deleted."), "\(applied.stdout)")
  }

  @Test func aCreateTheAPIWouldRefuseAsADuplicateFailsThePlan() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let made = try await sim.send(
      "POST", "/users",
      body: [
        "name": "Taken", "email": "taken@example.com",
        "accountGroupRoles": [["accountGroupId": "1234", "roleIds": ["3"]]],
      ])
    let uid = try #require((made.body as? [String: Any])?["uid"] as? String)
    let runbook = dryRunFixture("create_users.lua")
    let taken = try await terun(
      ["run", runbook, "emails=TAKEN@example.com", "--plan-out", "plan.json"], sim, folder)
    #expect(taken.status == 1)
    #expect(
      taken.stderr.contains(
        "create_users.lua:12: te.post: POST /v7/users (createUser) would be refused by the API (400 Bad Request): "
          + "email DUPLICATE: a user with email \"TAKEN@example.com\" already exists (id \(uid))"),
      "\(taken.stderr)")
    #expect(folder.listing().isEmpty, "no plan is saved")
    let twice = try await terun(
      ["run", runbook, "emails=twice@example.com,Twice@example.com", "--plan-out", "plan.json"], sim, folder)
    #expect(twice.status == 1)
    #expect(
      twice.stderr.contains(
        "email DUPLICATE: a user with email \"Twice@example.com\" already exists (write 1 of this plan creates it)"
      ),
      "\(twice.stderr)")
    #expect(folder.listing().isEmpty, "no plan is saved")
    #expect(try await sim.usersByEmail()["twice@example.com"] == nil)

    // An update to an email another user has.
    let rename = try folder.write(
      "rename.lua",
      """
      runbook { name = "rename", params = { uid = { type = "string", required = true, help = "u" } } }
      te.users.update(te.params.uid, { email = "Taken@Example.com" })
      """)
    let other = try #require(try await sim.usersByEmail().values.first { ($0["uid"] as? String) != uid })
    let renamed = try await terun(
      ["run", rename.path, "uid=\(other["uid"] as! String)", "--plan-out", "plan.json"], sim, folder)
    #expect(renamed.status == 1)
    #expect(
      renamed.stderr.contains(
        "rename.lua:2: te.put: PUT /v7/users/\(other["uid"] as! String) (updateUser) would be refused by the API "
          + "(400 Bad Request): email DUPLICATE: a user with email \"Taken@Example.com\" already exists (id \(uid))"
      ),
      "\(renamed.stderr)")
    #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("plan.json").path))
    // Its own email in another case is no duplicate.
    let same = try await terun(["run", rename.path, "uid=\(uid)", "--dry-run"], sim, folder)
    #expect(same.status == 0, "\(same.stderr)")

    // Test names are compared exactly, as the API does.
    let existing = try #require(try await sim.object("/tests/agent-to-server/123456")["testName"] as? String)
    let create = try folder.write(
      "create_test.lua",
      """
      runbook { name = "create-test", params = { name = { type = "string", required = true, help = "n" } } }
      local a = te.agents.list()[1]
      te.tests.create("agent-to-server", { testName = te.params.name, interval = 300, server = "example.com",
        agents = { { agentId = a.agentId } } })
      """)
    let clash = try await terun(["run", create.path, "name=\(existing)", "--dry-run"], sim, folder)
    #expect(clash.status == 1)
    #expect(
      clash.stderr.contains(
        "testName DUPLICATE: an agent-to-server test with testName \"\(existing)\" already exists (id 123456)"
      ),
      "\(clash.stderr)")
    let otherCase = try await terun(
      ["run", create.path, "name=\(existing.uppercased())", "--dry-run"], sim, folder)
    #expect(otherCase.status == 0, "\(otherCase.stderr)")
  }

  @Test func aCreateWhoseNaturalKeyAppearedSincePlanningIsRefused() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let planFile = try await plan(
      [dryRunFixture("create_users.lua"), "emails=nk.first@example.com,nk@example.com"], sim, folder)
    let made = try await sim.send(
      "POST", "/users",
      body: [
        "name": "NK", "email": "NK@example.com",
        "accountGroupRoles": [["accountGroupId": "1234", "roleIds": ["3"]]],
      ])
    #expect(made.status == 201)
    let result = try await terun(["apply", planFile.path], sim, folder)
    #expect(result.status == 5)
    #expect(
      result.stderr.contains("plan drift: a user with email \"nk@example.com\" (id ")
        && result.stderr.contains(
          ") appeared since the plan was made; creating user \"nk\" (POST /v7/users) would make a duplicate."),
      "\(result.stderr)")
    #expect(try await sim.usersByEmail()["nk.first@example.com"] == nil, "checked before anything was sent")
  }

  @Test func aCreateWithoutItsNaturalKeyIsRefusedAndAnAlertRuleNameIsAKey() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let planFile = try await plan(
      [dryRunFixture("create_users.lua"), "emails=unkeyed@example.com"], sim, folder)
    try editWrite(planFile, 0) { $0["naturalKey"] = nil }
    let unkeyed = try await terun(["apply", planFile.path, "--force"], sim, folder)
    #expect(unkeyed.status == 2)
    #expect(
      unkeyed.stderr.contains(
        "inconsistent plan: write 1: it creates a user with email \"unkeyed@example.com\" but does not carry that natural key"
      ), "\(unkeyed.stderr)")
    #expect(try await sim.usersByEmail()["unkeyed@example.com"] == nil)

    let runbook = try folder.write(
      "rule.lua",
      """
      runbook { name = "rule", params = { name = { type = "string", required = true, help = "n" } } }
      local r = te.alerts.rules.get("9001")
      te.alerts.rules.create({ ruleName = te.params.name, alertType = r.alertType, expression = r.expression,
        roundsViolatingOutOf = 1, roundsViolatingRequired = 1, minimumSources = 1 })
      """)
    let rulePlan = try await plan([runbook.path, "name=Latency NK"], sim, folder)
    let live = try await terun(["run", runbook.path, "name=latency nk"], sim, folder)
    #expect(live.status == 0, "\(live.stderr)")
    let refused = try await terun(["apply", rulePlan.path], sim, folder)
    #expect(refused.status == 5)
    #expect(
      refused.stderr.contains("plan drift: an alert rule with ruleName \"Latency NK\" (id ")
        && refused.stderr.contains("appeared since the plan was made; creating alert rule \"Latency NK\""),
      "\(refused.stderr)")
  }

  @Test func resumeContinuesAfterAFailedWriteAndNeverRepeatsACreate() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let planFile = try await plan(
      [dryRunFixture("rename_new_user.lua"), "email=resume.a@example.com", "new_email=resume.b@example.com"],
      sim,
      folder)
    // Someone takes the new email: write 2 fails at apply.
    let taken = try await sim.send(
      "POST", "/users",
      body: [
        "name": "Taken", "email": "resume.b@example.com",
        "accountGroupRoles": [["accountGroupId": "1234", "roleIds": ["3"]]],
      ])
    let takenUid = try #require((taken.body as? [String: Any])?["uid"] as? String)
    let failed = try await terun(["apply", planFile.path], sim, folder)
    #expect(failed.status == 1)
    #expect(failed.stdout.contains("+ created user \"Renamed User\""), "\(failed.stdout)")
    #expect(
      failed.stderr.contains("Applied: write 1 of 2; not applied: write(s) 2.")
        && failed.stderr.contains("--resume"), "\(failed.stderr)")
    let again = try await terun(["apply", planFile.path], sim, folder)
    #expect(again.status == 5)
    #expect(again.stderr.contains("partly applied on"), "\(again.stderr)")

    #expect(try await sim.send("DELETE", "/users/\(takenUid)").status == 204)
    let resumed = try await terun(["apply", planFile.path, "--resume"], sim, folder)
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(
      resumed.stdout.contains("= write 1 of 2 was applied earlier; not sent again"), "\(resumed.stdout)")
    #expect(resumed.stdout.contains("Apply complete: 0 created, 1 updated, 0 deleted."), "\(resumed.stdout)")
    let users = try await sim.usersByEmail()
    #expect(users["resume.a@example.com"] == nil)
    #expect(
      users["resume.b@example.com"]?["name"] as? String == "Renamed User", "the user created once, renamed")
    let done = try await terun(["apply", planFile.path, "--resume"], sim, folder)
    #expect(done.status == 5)
    #expect(done.stderr.contains("already applied completely"), "\(done.stderr)")
  }

  // MARK: Reading a plan, and filters that filter

  @Test func showPrintsTheSavedPlanAsTheDryRunDidAndAsJSON() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let args = ["run", dryRunFixture("onboard.lua")]
    let dry = try await terun(args + ["--plan-out", "plan.json"], sim, folder)
    #expect(dry.status == 0)
    let shown = try await terun(["show", "plan.json"], sim, folder)
    #expect(shown.status == 0)
    let planText = try #require(dry.stdout.range(of: "Plan: ")).lowerBound
    #expect(shown.stdout == String(dry.stdout[planText...]))
    let json = try await terun(["show", "plan.json", "--json"], sim, folder)
    #expect(json.status == 0)
    let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
    let saved = try JSONSerialization.jsonObject(
      with: Data(contentsOf: folder.url.appendingPathComponent("plan.json")))
    #expect(NSDictionary(dictionary: parsed ?? [:]).isEqual(to: saved as? [String: Any] ?? ["x": 1]))
    let missing = try await terun(["show", "nope.json"], sim, folder)
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("cannot read the plan file nope.json"))
  }

  @Test func resourceListAndEachRejectUnknownQueryParameters() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    for (each, function) in [(false, "list"), (true, "each")] {
      let result = try await terun(["run", dryRunFixture("agents_filter.lua"), "each=\(each)"], sim, folder)
      #expect(result.status == 1)
      #expect(
        result.stderr.contains(
          "agents_filter.lua:\(each ? 11 : 15): te.agents.\(function): unknown query parameter 'countryId' for GET /agents (accepted: aid, expand, agentTypes, labels, tagKeys)"
        ), "\(result.stderr)")
      #expect(result.stdout.isEmpty, "nothing was listed")
    }
  }

  @Test func everyWayOfCallingRejectsAnUnknownQueryParameterAndSuggestsTheName() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let accepted = "(accepted: aid, expand, agentTypes, labels, tagKeys)"
    let cases: [(String, String)] = [
      (
        "list",
        "te.agents.list: unknown query parameter 'agentType' for GET /agents; did you mean 'agentTypes'? \(accepted)"
      ),
      ("get", "te.get: unknown query parameter 'countryId' for GET /agents \(accepted)"),
      ("path", "te.get: unknown query parameter 'countryId' for GET /agents \(accepted)"),
      (
        "pages",
        "te.pages: unknown query parameter 'agentType' for GET /agents; did you mean 'agentTypes'? \(accepted)"
      ),
      (
        "delete",
        "te.delete: unknown query parameter 'force' for DELETE /alerts/rules/{ruleId} (accepted: aid)"
      ),
      ("call", "te.call(getAgents): unknown parameter 'agentType'; did you mean 'agentTypes'? \(accepted)"),
    ]
    for (how, message) in cases {
      for mode in [["--dry-run"], []] {
        let result = try await terun(
          ["run", dryRunFixture("query_typos.lua"), "how=\(how)"] + mode, sim, folder)
        #expect(result.status == 1, "\(how) \(mode): \(result.stderr)")
        #expect(result.stderr.contains("query_typos.lua:"), "\(how): the runbook's line: \(result.stderr)")
        #expect(result.stderr.contains(message), "\(how) \(mode): \(result.stderr)")
        #expect(result.stdout.isEmpty, "\(how): nothing listed: \(result.stdout)")
      }
    }
    #expect(try await sim.send("GET", "/alerts/rules/9004").status == 200, "nothing was deleted")
    let good = try await terun(["run", dryRunFixture("query_typos.lua"), "how=good"], sim, folder)
    #expect(good.status == 0, "\(good.stderr)")
  }

  @Test func aPathWithADotSegmentIsRefusedBeforeItIsPlannedOrSent() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let users = try await sim.usersByEmail().count
    let cases = [
      (
        "put", 12,
        "te.put: the path /tests/agent-to-server/123456/../../../users has a '..' segment; name each object by its id"
      ),
      ("update", 14, "bad argument #1 to 'te.users.update' (id expected, got '..')"),
      (
        "escaped", 16,
        "te.delete: the path /alerts/rules/%2E%2e has a '%2E%2e' segment; name each object by its id"
      ),
    ]
    for (how, line, message) in cases {
      for mode in [["--dry-run"], []] {
        let result = try await terun(
          ["run", dryRunFixture("dot_segments.lua"), "how=\(how)"] + mode, sim, folder)
        #expect(result.status == 1, "\(how) \(mode): \(result.stderr)")
        #expect(
          result.stderr.contains("dot_segments.lua:\(line): \(message)"), "\(how) \(mode): \(result.stderr)")
        #expect(!result.stdout.contains("Plan:"), "\(how): no plan: \(result.stdout)")
      }
    }
    #expect(try await sim.usersByEmail().count == users)
    #expect(try await sim.send("GET", "/alerts/rules/9004").status == 200)
  }

  @Test func afterConfirmAppliesNoMessageSaysNothingWasSent() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
    let before = try await sim.object("/tests/agent-to-server/123456")
    let target = (before["interval"] as? Int) == 300 ? 900 : 300
    // `script` gives terun a terminal for --confirm's question; "y" answers it.
    let command =
      "\(try TerunProcess.binary().path) run toggle_interval test_id=123456 interval=\(target) --confirm"
    let result = try await runTerunShell(command, in: folder.url, environment: sim.environment)
    #expect(result.contains("Will change test 123456"), "\(result)")
    #expect(result.contains("once the plan is confirmed"), "\(result)")
    #expect(result.contains("Apply complete: 0 created, 1 updated, 0 deleted."), "\(result)")
    #expect(!result.contains("nothing sent"), "\(result)")
    #expect((try await sim.object("/tests/agent-to-server/123456"))["interval"] as? Int == target)
  }
}

/// Runs `command` under `script` (a pseudo-terminal), answers `y` on it, and returns everything
/// it printed.
func runTerunShell(_ command: String, in directory: URL, environment: [String: String]) async throws -> String
{
  try await withCheckedThrowingContinuation { continuation in
    let thread = Thread {
      continuation.resume(
        with: Result {
          let process = Process()
          process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
          process.arguments = ["-qec", command, "/dev/null"]
          process.currentDirectoryURL = directory
          var env = ProcessInfo.processInfo.environment
          for (key, value) in environment { env[key] = value }
          process.environment = env
          let output = Pipe()
          process.standardOutput = output
          process.standardError = output
          let input = Pipe()
          process.standardInput = input
          try process.run()
          input.fileHandleForWriting.write(Data("y\n".utf8))
          let data = output.fileHandleForReading.readDataToEndOfFile()
          process.waitUntilExit()
          return String(decoding: data, as: UTF8.self)
        })
    }
    thread.start()
  }
}
