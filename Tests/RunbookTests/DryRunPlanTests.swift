import Foundation
import ThousandEyes
import XCTest

@testable import Runbook

/// The plan model, placeholders, renderer and the planner's pure parts.
final class DryRunPlanTests: XCTestCase {
  func testTokensSurviveAsPathSegmentsAndAreFoundAgain() {
    let token = Placeholders.token(write: 3, field: "uid")
    XCTAssertEqual(token, "~known-after-apply-3.uid~")
    // Only URL-unreserved characters: the te module's id escaping leaves it as it is.
    XCTAssertTrue(token.allSatisfy { $0.isLetter || $0.isNumber || "-._~".contains($0) })
    let path = "/users/\(token)/x/\(Placeholders.token(write: 12, field: "testId"))"
    XCTAssertEqual(Placeholders.tokens(in: path), [token, "~known-after-apply-12.testId~"])
    XCTAssertEqual(Placeholders.tokens(in: "~known-after-apply-x.uid~ and ~known-after-apply-1~"), [])
    XCTAssertEqual(Placeholders.displayed(path), "/users/(known after apply)/x/(known after apply)")
  }

  func testResolveKeepsTypesAndReplacesInsideStrings() {
    let uid = Placeholders.token(write: 1, field: "uid")
    let id = Placeholders.token(write: 2, field: "testId")
    let body: PlanJSON = .object([
      "uid": .string(uid), "list": .array([.string(id)]), "note": .string("user \(uid) made"),
      "n": .integer(3),
    ])
    let resolved = Placeholders.resolve(body, [uid: .string("5001"), id: .integer(77)])
    XCTAssertEqual(
      resolved,
      .object([
        "uid": .string("5001"), "list": .array([.integer(77)]), "note": .string("user 5001 made"),
        "n": .integer(3),
      ]))
    XCTAssertEqual(
      Placeholders.consumed(
        path: "/users/\(uid)", query: [PlanQueryItem(name: "aid", value: id)], body: body),
      [uid, id])
  }

  func testJSONKeepsIntegersAndEmptyContainers() throws {
    let value = try PlanJSON.decode(Array(#"{"a":3,"b":3.5,"c":[],"d":{},"e":true,"f":null,"g":"x"}"#.utf8))
    XCTAssertEqual(value["a"], .integer(3))
    XCTAssertEqual(value["b"], .number(3.5))
    XCTAssertEqual(value["c"], .array([]))
    XCTAssertEqual(value["d"], .object([:]))
    XCTAssertEqual(value["e"], .bool(true))
    XCTAssertEqual(value["f"], .null)
    XCTAssertEqual(value.jsonText, #"{"a":3,"b":3.5,"c":[],"d":{},"e":true,"f":null,"g":"x"}"#)
  }

  func testCreateResultAddsPlaceholdersForAssignedIdsAndDates() throws {
    let operation = try XCTUnwrap(Catalog.operation(id: "createUser"))
    let body: PlanJSON = .object(["name": .string("Ana"), "email": .string("ana@example.com")])
    let created = DryRunPlanner.created(body, operation: operation, write: 4)
    XCTAssertEqual(created.object?["uid"], .string("~known-after-apply-4.uid~"))
    XCTAssertEqual(created.object?["dateRegistered"], .string("~known-after-apply-4.dateRegistered~"))
    XCTAssertEqual(created.object?["name"], .string("Ana"))
    XCTAssertNil(created.object?["_links"])
    XCTAssertEqual(created.produces.map(\.field).sorted(), ["dateRegistered", "uid"])
  }

  func testClassificationComesFromTheOperation() throws {
    let action = { (id: String) in DryRunPlanner.action(of: Catalog.operation(id: id)!) }
    XCTAssertEqual(action("createUser"), .create)
    XCTAssertEqual(action("updateAgentToServerTest"), .update)
    XCTAssertEqual(action("deleteAlertRule"), .delete)
    XCTAssertEqual(action("runInstantTest"), .update)
    XCTAssertEqual(action("updateEndpointLabel"), .update)
  }

  func testChangesListOnlyFieldsThatDiffer() {
    let current: PlanJSON = .object([
      "interval": .integer(600), "enabled": .bool(true), "testName": .string("T"),
    ])
    let changes = PlanDiff.changes(
      from: current,
      to: .object(["interval": .integer(300), "enabled": .bool(true), "description": .string("d")]))
    XCTAssertEqual(
      changes,
      [
        FieldChange(field: "description", before: nil, after: .string("d")),
        FieldChange(field: "interval", before: .integer(600), after: .integer(300)),
      ])
    XCTAssertEqual(DryRunPlanner.name(of: current), "T")
  }

  func testRendererShowsSummaryCreateUpdateDelete() {
    let uid = Placeholders.token(write: 1, field: "uid")
    let plan = Plan(
      runbook: PlanRunbook(name: "x.lua", source: Array("print(1)".utf8)), parameters: [:],
      baseUrl: "https://api.example.com", aid: nil,
      writes: [
        write(
          1, .create, "createUser", "user", "POST", "/users", body: .object(["name": .string("Ana")]),
          name: "Ana"),
        write(
          2, .update, "updateUser", "user", "PUT", "/users/\(uid)",
          body: .object(["email": .string("a@b.c")]),
          name: "Ana", id: uid, changes: [FieldChange(field: "email", before: nil, after: .string("a@b.c"))]),
        write(
          3, .update, "updateAgentToServerTest", "agent-to-server test", "PUT",
          "/tests/agent-to-server/123456",
          body: .object(["interval": .integer(300)]), name: "Name", id: "123456",
          changes: [FieldChange(field: "interval", before: .integer(600), after: .integer(300))],
          snapshot: .object(["interval": .integer(600)])),
        write(
          4, .delete, "deleteAlertRule", "alert rule", "DELETE", "/alerts/rules/42", name: "Rule", id: "42"),
      ])
    XCTAssertEqual(
      PlanRenderer.render(plan, color: false),
      """
      Plan: 1 to create, 2 to update, 1 to delete.

      + create user "Ana" (POST /v7/users)
          {
            "name" : "Ana"
          }

      ~ update user (known after apply) "Ana" (PUT /v7/users/(known after apply))
          email: (absent) → "a@b.c"

      ~ update agent-to-server test 123456 "Name" (PUT /v7/tests/agent-to-server/123456)
          interval: 600 → 300

      - delete alert rule 42 "Rule" (DELETE /v7/alerts/rules/42)

      """)
    let colored = PlanRenderer.render(plan, color: true)
    XCTAssertTrue(colored.contains("\u{1B}[32m+ create user"))
    XCTAssertTrue(colored.contains("\u{1B}[33m~ update agent-to-server"))
    XCTAssertTrue(colored.contains("\u{1B}[31m- delete alert rule"))
    XCTAssertEqual(
      PlanRenderer.render(
        Plan(runbook: plan.runbook, parameters: [:], baseUrl: "", aid: nil, writes: []), color: false),
      "Plan: 0 to create, 0 to update, 0 to delete.\nNo changes: the runbook makes no writes.\n")
  }

  func testPlanRoundTripsAndRejectsOtherFiles() throws {
    let plan = Plan(
      runbook: PlanRunbook(name: "x.lua", source: Array("abc".utf8)), parameters: ["n": .integer(2)],
      baseUrl: "https://api.example.com", aid: "1234",
      writes: [write(1, .delete, "deleteAlertRule", "alert rule", "DELETE", "/alerts/rules/42", id: "42")])
    XCTAssertEqual(plan.runbook.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    XCTAssertEqual(try Plan.decode(try plan.jsonBytes()), plan)
    XCTAssertThrowsError(try Plan.decode(Array(#"{"format":"other"}"#.utf8))) { error in
      XCTAssertEqual(
        (error as? PlanFileError)?.description, "not a terun plan: missing 'version' at the top level")
    }
    var future = plan
    future.version = 9
    XCTAssertThrowsError(try Plan.decode(try future.jsonBytes())) { error in
      XCTAssertEqual(
        (error as? PlanFileError)?.description,
        "not a terun plan: version 9 is not supported (this terun reads version 1)")
    }
    XCTAssertThrowsError(try Plan.decode(Array("nope".utf8))) { error in
      XCTAssertEqual((error as? PlanFileError)?.description, "not a terun plan: not valid JSON")
    }
  }

  func testApplyResolvesPlaceholdersAndNamesDrift() throws {
    let uid = Placeholders.token(write: 1, field: "uid")
    var update = write(
      2, .update, "updateUser", "user", "PUT", "/users/\(uid)", body: .object(["name": .string("B")]), id: uid
    )
    update.consumes = [uid]
    let resolved = try PlanApplier.resolve(update, [uid: .string("5001")])
    XCTAssertEqual(resolved.path, "/users/5001")
    XCTAssertEqual(resolved.objectId, "5001")
    XCTAssertThrowsError(try PlanApplier.resolve(update, [:])) { error in
      XCTAssertEqual(
        "\(error)", "it uses ~known-after-apply-1.uid~, which no earlier response of this apply provided")
    }
    XCTAssertEqual(
      PlanApplier.differences(
        .object(["interval": .integer(600), "a": .string("x")]),
        .object(["interval": .integer(900), "a": .string("x")])),
      ["interval: 600 → 900"])
    XCTAssertEqual(PlanApplier.differences(.object([:]), nil), ["the object no longer exists"])
    let drift = PlanDriftError(
      write: write(
        3, .update, "updateAgentToServerTest", "agent-to-server test", "PUT", "/tests/agent-to-server/1",
        name: "T", id: "1"),
      changes: ["interval: 600 → 900"], gone: false)
    XCTAssertEqual(drift.exitStatus, .planDrift)
    XCTAssertEqual(
      drift.message,
      "plan drift: agent-to-server test 1 \"T\" (PUT /v7/tests/agent-to-server/1) changed since the plan was made; "
        + "changed fields: interval: 600 → 900. Nothing further was sent. Make a new plan, or apply with --force."
    )
  }

  func testAStoppedApplyWhoseProgressWasNotRecordedSaysNotToResume() {
    var stopped = ApplyStopped(
      underlying: CommandFailure(.runbookError, "POST /users: 500"), applied: [1, 2], total: 3,
      failedWrite: 3,
      statePath: "/state/plans/x.json")
    XCTAssertTrue(
      stopped.message.hasSuffix(
        "Applied: writes 1 and 2 of 3; not applied: write(s) 3. The progress is recorded in /state/plans/x.json; "
          + "continue with terun apply PLAN --resume (it never sends an applied write again)."),
      stopped.message)
    stopped.unrecorded = "disk full"
    XCTAssertTrue(
      stopped.message.hasSuffix(
        "Applied: writes 1 and 2 of 3; not applied: write(s) 3. The progress could not be recorded (disk full): "
          + "do not use --resume, which would send the applied writes again; make a new plan instead."),
      stopped.message)
    XCTAssertEqual(stopped.exitStatus, .runbookError)
  }

  private func write(
    _ index: Int, _ action: WriteAction, _ operationId: String, _ kind: String, _ method: String,
    _ path: String,
    body: PlanJSON? = nil, name: String? = nil, id: String? = nil, changes: [FieldChange]? = nil,
    snapshot: PlanJSON? = nil
  ) -> PlannedWrite {
    PlannedWrite(
      index: index, action: action, operationId: operationId, objectKind: kind, method: method,
      pathTemplate: path, path: path, query: [], body: body, objectId: id, objectName: name,
      snapshot: snapshot,
      fingerprint: snapshot.map(PlanHash.fingerprint), changes: changes, produces: [],
      consumes: Placeholders.consumed(path: path, query: [], body: body))
  }
}
