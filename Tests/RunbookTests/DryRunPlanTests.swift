import Foundation
import Testing
import ThousandEyes

@testable import Runbook

/// The plan model, placeholders, renderer and the planner's pure parts.
@Suite struct DryRunPlanTests {
  @Test func tokensSurviveAsPathSegmentsAndAreFoundAgain() {
    let token = Placeholders.token(write: 3, field: "uid")
    #expect(token == "~known-after-apply-3.uid~")
    // Only URL-unreserved characters: the te module's id escaping leaves it as it is.
    #expect(token.allSatisfy { $0.isLetter || $0.isNumber || "-._~".contains($0) })
    let path = "/users/\(token)/x/\(Placeholders.token(write: 12, field: "testId"))"
    #expect(Placeholders.tokens(in: path) == [token, "~known-after-apply-12.testId~"])
    #expect(Placeholders.tokens(in: "~known-after-apply-x.uid~ and ~known-after-apply-1~") == [])
    #expect(Placeholders.displayed(path) == "/users/(known after apply)/x/(known after apply)")
  }

  @Test func resolveKeepsTypesAndReplacesInsideStrings() {
    let uid = Placeholders.token(write: 1, field: "uid")
    let id = Placeholders.token(write: 2, field: "testId")
    let body: PlanJSON = .object([
      "uid": .string(uid), "list": .array([.string(id)]), "note": .string("user \(uid) made"),
      "n": .integer(3),
    ])
    let resolved = Placeholders.resolve(body, [uid: .string("5001"), id: .integer(77)])
    #expect(
      resolved
        == .object([
          "uid": .string("5001"), "list": .array([.integer(77)]), "note": .string("user 5001 made"),
          "n": .integer(3),
        ]))
    #expect(
      Placeholders.consumed(
        path: "/users/\(uid)", query: [PlanQueryItem(name: "aid", value: id)], body: body) == [uid, id])
  }

  @Test func jsonKeepsIntegersAndEmptyContainers() throws {
    let value = try PlanJSON.decode(Array(#"{"a":3,"b":3.5,"c":[],"d":{},"e":true,"f":null,"g":"x"}"#.utf8))
    #expect(value["a"] == .integer(3))
    #expect(value["b"] == .number(3.5))
    #expect(value["c"] == .array([]))
    #expect(value["d"] == .object([:]))
    #expect(value["e"] == .bool(true))
    #expect(value["f"] == .null)
    #expect(value.jsonText == #"{"a":3,"b":3.5,"c":[],"d":{},"e":true,"f":null,"g":"x"}"#)
  }

  @Test func createResultAddsPlaceholdersForAssignedIdsAndDates() throws {
    let operation = try #require(Catalog.operation(id: "createUser"))
    let body: PlanJSON = .object(["name": .string("Ana"), "email": .string("ana@example.com")])
    let created = DryRunPlanner.created(body, operation: operation, write: 4)
    #expect(created.object?["uid"] == .string("~known-after-apply-4.uid~"))
    #expect(created.object?["dateRegistered"] == .string("~known-after-apply-4.dateRegistered~"))
    #expect(created.object?["name"] == .string("Ana"))
    #expect(created.object?["_links"] == nil)
    #expect(created.produces.map(\.field).sorted() == ["dateRegistered", "uid"])
  }

  @Test func classificationComesFromTheOperation() throws {
    let action = { (id: String) in DryRunPlanner.action(of: Catalog.operation(id: id)!) }
    #expect(action("createUser") == .create)
    #expect(action("updateAgentToServerTest") == .update)
    #expect(action("deleteAlertRule") == .delete)
    #expect(action("runInstantTest") == .update)
    #expect(action("updateEndpointLabel") == .update)
  }

  @Test func changesListOnlyFieldsThatDiffer() {
    let current: PlanJSON = .object([
      "interval": .integer(600), "enabled": .bool(true), "testName": .string("T"),
    ])
    let changes = PlanDiff.changes(
      from: current,
      to: .object(["interval": .integer(300), "enabled": .bool(true), "description": .string("d")]))
    #expect(
      changes == [
        FieldChange(field: "description", before: nil, after: .string("d")),
        FieldChange(field: "interval", before: .integer(600), after: .integer(300)),
      ])
    #expect(DryRunPlanner.name(of: current) == "T")
  }

  @Test func rendererShowsSummaryCreateUpdateDelete() {
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
    #expect(
      PlanRenderer.render(plan, color: false) == """
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
    #expect(colored.contains("\u{1B}[32m+ create user"))
    #expect(colored.contains("\u{1B}[33m~ update agent-to-server"))
    #expect(colored.contains("\u{1B}[31m- delete alert rule"))
    #expect(
      PlanRenderer.render(
        Plan(runbook: plan.runbook, parameters: [:], baseUrl: "", aid: nil, writes: []), color: false)
        == "Plan: 0 to create, 0 to update, 0 to delete.\nNo changes: the runbook makes no writes.\n")
  }

  @Test func planRoundTripsAndRejectsOtherFiles() throws {
    let plan = Plan(
      runbook: PlanRunbook(name: "x.lua", source: Array("abc".utf8)), parameters: ["n": .integer(2)],
      baseUrl: "https://api.example.com", aid: "1234",
      writes: [write(1, .delete, "deleteAlertRule", "alert rule", "DELETE", "/alerts/rules/42", id: "42")])
    #expect(plan.runbook.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(try Plan.decode(try plan.jsonBytes()) == plan)
    do {
      let error = try #require(throws: (any Error).self) {
        try Plan.decode(Array(#"{"format":"other"}"#.utf8))
      }
      #expect(
        (error as? PlanFileError)?.description == "not a terun plan: missing 'version' at the top level")
    }
    var future = plan
    future.version = 9
    do {
      let error = try #require(throws: (any Error).self) { try Plan.decode(try future.jsonBytes()) }
      #expect(
        (error as? PlanFileError)?.description
          == "not a terun plan: version 9 is not supported (this terun reads version 1)")
    }
    do {
      let error = try #require(throws: (any Error).self) { try Plan.decode(Array("nope".utf8)) }
      #expect((error as? PlanFileError)?.description == "not a terun plan: not valid JSON")
    }
  }

  @Test func applyResolvesPlaceholdersAndNamesDrift() throws {
    let uid = Placeholders.token(write: 1, field: "uid")
    var update = write(
      2, .update, "updateUser", "user", "PUT", "/users/\(uid)", body: .object(["name": .string("B")]), id: uid
    )
    update.consumes = [uid]
    let resolved = try PlanApplier.resolve(update, [uid: .string("5001")])
    #expect(resolved.path == "/users/5001")
    #expect(resolved.objectId == "5001")
    let error = try #require(throws: (any Error).self) { try PlanApplier.resolve(update, [:]) }
    #expect(
      "\(error)" == "it uses ~known-after-apply-1.uid~, which no earlier response of this apply provided")
    #expect(
      PlanApplier.differences(
        .object(["interval": .integer(600), "a": .string("x")]),
        .object(["interval": .integer(900), "a": .string("x")])) == ["interval: 600 → 900"])
    #expect(PlanApplier.differences(.object([:]), nil) == ["the object no longer exists"])
    let drift = PlanDriftError(
      write: write(
        3, .update, "updateAgentToServerTest", "agent-to-server test", "PUT", "/tests/agent-to-server/1",
        name: "T", id: "1"),
      changes: ["interval: 600 → 900"], gone: false)
    #expect(drift.exitStatus == .planDrift)
    #expect(
      drift.message
        == "plan drift: agent-to-server test 1 \"T\" (PUT /v7/tests/agent-to-server/1) changed since the plan was made; "
        + "changed fields: interval: 600 → 900. Nothing further was sent. Make a new plan, or apply with --force."
    )
  }

  @Test func aStoppedApplyWhoseProgressWasNotRecordedSaysNotToResume() {
    var stopped = ApplyStopped(
      underlying: CommandFailure(.runbookError, "POST /users: 500"), applied: [1, 2], total: 3,
      failedWrite: 3,
      statePath: "/state/plans/x.json")
    #expect(
      stopped.message.hasSuffix(
        "Applied: writes 1 and 2 of 3; not applied: write(s) 3. The progress is recorded in /state/plans/x.json; "
          + "continue with terun apply PLAN --resume (it never sends an applied write again)."),
      "\(stopped.message)")
    stopped.unrecorded = "disk full"
    #expect(
      stopped.message.hasSuffix(
        "Applied: writes 1 and 2 of 3; not applied: write(s) 3. The progress could not be recorded (disk full): "
          + "do not use --resume, which would send the applied writes again; make a new plan instead."),
      "\(stopped.message)")
    #expect(stopped.exitStatus == .runbookError)
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
