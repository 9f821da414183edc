import Foundation
import Testing

/// `--output json` on `terun apply` (issue 15): one JSON summary with the writes planned and
/// applied and the requests made.
@Suite("terun apply --output json")
struct SummaryOutputTests {
  @Test func applyPrintsOneJSONSummary() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let planned = try await runTerun(
      ["run", dryRunFixture("onboard.lua"), "--plan-out", "plan.json", "--output", "json"], in: folder.url,
      environment: sim.environment)
    #expect(planned.status == 0, "\(planned.stderr)")
    let plan = try #require(
      JSONSerialization.jsonObject(with: Data(planned.stdout.utf8)) as? [String: Any], "\(planned.stdout)")
    #expect(plan["dry_run"] as? Bool == true)
    #expect((plan["writes"] as? [String: Int]) == ["planned": 7, "applied": 0])
    #expect(plan["files_written"] as? [String] == ["plan.json"], "the saved plan is a file written")
    #expect(
      planned.stderr.contains("Plan: 5 to create, 1 to update, 1 to delete."), "the plan goes to stderr")

    let result = try await runTerun(
      ["apply", "plan.json", "--output", "json"], in: folder.url, environment: sim.environment)
    #expect(result.status == 0, "\(result.stderr)")
    let summary = try #require(
      JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
    #expect(summary["command"] as? String == "apply")
    #expect(summary["exit_status"] as? Int == 0)
    #expect((summary["writes"] as? [String: Int]) == ["planned": 7, "applied": 7])
    #expect((summary["requests"] as? Int ?? 0) >= 7)
    #expect(summary["rate_limited"] as? Int == 0)
    #expect(result.stderr.contains("Apply complete: 5 created, 1 updated, 1 deleted."))

    // Applying it again fails (the objects changed since the plan); the summary says so.
    let again = try await runTerun(
      ["apply", "plan.json", "--output", "json"], in: folder.url, environment: sim.environment)
    #expect(again.status != 0)
    let failed = try #require(JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
    #expect(failed["exit_status"] as? Int == Int(again.status))
    #expect(failed["ok"] as? Bool == false)
    #expect(failed["error"] is String)
  }

  @Test func aPartlyAppliedPlanSaysHowManyWritesWereAppliedAndFails() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let planned = try await runTerun(
      [
        "run", dryRunFixture("rename_new_user.lua"), "email=sum.a@example.com", "new_email=sum.b@example.com",
        "--plan-out", "plan.json",
      ], in: folder.url, environment: sim.environment)
    #expect(planned.status == 0, "\(planned.stderr)")
    let taken = try await sim.send(
      "POST", "/users",
      body: [
        "name": "Taken", "email": "sum.b@example.com",
        "accountGroupRoles": [["accountGroupId": "1234", "roleIds": ["3"]]],
      ])
    #expect(taken.status == 201)
    let result = try await runTerun(
      ["apply", "plan.json", "--output", "json"], in: folder.url, environment: sim.environment)
    #expect(result.status == 1)
    let summary = try #require(
      JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
    #expect(summary["exit_status"] as? Int == 1)
    #expect(summary["ok"] as? Bool == false)
    #expect((summary["writes"] as? [String: Int]) == ["planned": 2, "applied": 1])
    #expect(
      (summary["error"] as? String)?.contains("Applied: write 1 of 2; not applied: write(s) 2.") == true,
      "\(summary)")
  }
}
