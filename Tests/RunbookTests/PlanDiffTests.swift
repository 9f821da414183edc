import Foundation
import Runbook
import Testing
import ThousandEyes

/// Request schemas, body validation, update bodies and semantic diffs, without a server.
@Suite struct PlanDiffTests {
  private func json(_ text: String) throws -> PlanJSON {
    try PlanJSON.decode(Array(text.utf8))
  }

  private func operation(_ id: String) throws -> ThousandEyes.Operation {
    try #require(Catalog.operation(id: id))
  }

  @Test func validationReportsRequiredReadOnlyTypesEnumsFormatsAndRanges() throws {
    let rule = try json(
      #"{"ruleName": "r", "expression": "((loss >= 10%))", "alertType": "nope", "roundsViolatingOutOf": "2", "roundsViolatingMode": "any"}"#
    )
    let problems = BodyValidator.problems(rule, for: try operation("updateAlertRule"))
    #expect(
      problems.map { "\($0.field) \($0.code)" }.sorted() == [
        "alertType INVALID_VALUE", "roundsViolatingMode READ_ONLY", "roundsViolatingOutOf INVALID_TYPE",
      ])
    let missing = BodyValidator.problems(
      try json(#"{"interval": 7}"#), for: try operation("updateHttpServerTest"))
    #expect(
      missing.contains(
        BodyValidator.Problem(field: "agents", code: "REQUIRED", message: "agents is required.")))
    #expect(missing.contains { $0.field == "interval" && $0.code == "INVALID_VALUE" })
    let window = try json(#"{"name": "w", "startDate": "tomorrow", "duration": 60, "testIds": ["1"]}"#)
    #expect(
      BodyValidator.problems(window, for: try operation("createAlertSuppressionWindow")).map(\.description)
        == ["startDate INVALID_FORMAT: startDate must be a date-time such as 2026-12-01T10:00:00Z."])
    let good = try json(
      #"{"name": "w", "startDate": "2026-12-02T01:00:00Z", "duration": 60, "testIds": ["1"]}"#)
    #expect(BodyValidator.problems(good, for: try operation("createAlertSuppressionWindow")) == [])
    // A create needs what the API needs, though the spec's shared create/update schema does not say.
    #expect(
      BodyValidator.problems(try json(#"{"name": "w"}"#), for: try operation("createAlertSuppressionWindow"))
        .map(\.description) == [
          "startDate REQUIRED: startDate is required.", "duration REQUIRED: duration is required.",
        ])
    #expect(
      BodyValidator.problems(try json(#"{"name": "w"}"#), for: try operation("updateAlertSuppressionWindow"))
        == [])
    let readOnly = BodyValidator.problems(
      try json(#"{"testId": "1", "interval": 300}"#), for: try operation("updateAgentToServerTest"))
    #expect(
      readOnly.map(\.description) == [
        "testId READ_ONLY: testId is read-only and cannot be sent in a request."
      ])
    let placeholder = try json(#"{"email": "~known-after-apply-1.uid~"}"#)
    #expect(BodyValidator.problems(placeholder, for: try operation("updateUser")) == [])
  }

  @Test func aFullUpdateMergesTheCurrentObjectAsTheRequestTakesIt() throws {
    let current = try json(
      #"{"testId": "7", "type": "http-server", "testName": "T", "interval": 600, "url": "https://x", "createdDate": "2026-01-01T00:00:00Z", "agents": [{"agentId": "3", "agentName": "Singapore"}], "alertRules": [{"ruleId": "9", "ruleName": "High latency"}], "_links": {"self": {"href": "x"}}}"#
    )
    let op = try operation("updateHttpServerTest")
    #expect(RequestShape.replacesWholeObject(op))
    #expect(!RequestShape.replacesWholeObject(try operation("updateAgentToServerTest")))
    let body = RequestShape.updateBody(
      current: current, changes: try json(#"{"interval": 300}"#), operation: op, full: true)
    #expect(
      try body
        == json(
          #"{"testName": "T", "interval": 300, "url": "https://x", "agents": [{"agentId": "3"}], "alertRules": ["9"]}"#
        ))
    #expect(BodyValidator.problems(body, for: op) == [])
    // A get result passed back: its read-only fields are dropped; a changed one is kept.
    let passedBack = RequestShape.updateBody(current: current, changes: current, operation: op, full: false)
    #expect(passedBack["testId"] == nil)
    #expect(passedBack["_links"] == nil)
    let changedId = RequestShape.updateBody(
      current: current, changes: try json(#"{"testId": "8"}"#), operation: op, full: false)
    #expect(changedId["testId"] == .string("8"))
  }

  @Test func aPartialUpdateSendsOnlyChangesAndNeverAnEmptiedObject() throws {
    let user = try json(
      #"{"uid": "1002", "name": "Ada", "email": "ada@example.com", "loginAccountGroup": {"aid": "1234"}, "accountGroupRoles": [{"accountGroup": {"aid": "1234"}, "roles": [{"roleId": "2", "name": "Account Admin"}]}]}"#
    )
    let op = try operation("updateUser")
    #expect(!RequestShape.replacesWholeObject(op))
    guard case .object(var changed) = user else {
      Issue.record()
      return
    }
    changed["name"] = .string("Ada H.")
    #expect(
      try RequestShape.updateBody(current: user, changes: .object(changed), operation: op, full: false)
        == json(#"{"name": "Ada H."}"#))
    changed["accountGroupRoles"] = try json(
      #"[{"accountGroup": {"aid": "1234"}, "roles": [{"roleId": "3"}]}]"#)
    let body = RequestShape.updateBody(current: user, changes: .object(changed), operation: op, full: false)
    #expect(body["accountGroupRoles"] == changed["accountGroupRoles"], "kept as given, not emptied")
    #expect(
      BodyValidator.problems(body, for: op).map(\.code) == ["UNKNOWN_FIELD", "UNKNOWN_FIELD"], "and refused")
  }

  @Test func aPasswordIsNeverShownInAPlan() throws {
    let current = try json(#"{"interval": 600, "alertRules": []}"#)
    let body = try json(#"{"interval": 600, "alertRules": [], "password": "s3cret"}"#)
    let changes = PlanDiff.changes(from: current, to: body, operation: try operation("updateFtpServerTest"))
    #expect(changes.flatMap(\.lines) == ["password: (write-only value, not shown)"])
    #expect(!String(decoding: try JSONEncoder().encode(changes), as: UTF8.self).contains("s3cret"))
  }

  @Test func anEmptyLuaTableIsSentAsAnArrayWhereTheRequestTakesOne() throws {
    let op = try operation("createRole")
    let fixed = RequestShape.emptyTablesAsArrays(
      try json(#"{"name": "r", "permissions": {}}"#), operation: op)
    #expect(try fixed == json(#"{"name": "r", "permissions": []}"#))
    #expect(BodyValidator.problems(fixed, for: op) == [])
    let window = try operation("createAlertSuppressionWindow")
    let notes = try json(#"{"name": "w", "repeat": {}}"#)
    #expect(RequestShape.emptyTablesAsArrays(notes, operation: window) == notes, "objects stay objects")
  }

  @Test func diffsAreSemanticAndShowOnlyChangedLeaves() throws {
    let current = try json(
      #"{"interval": 600, "agents": [{"agentId": "3", "agentName": "Singapore"}, {"agentId": "4", "agentName": "Paris"}], "alertRules": [{"ruleId": "9", "ruleName": "High latency"}], "notifications": {"email": {"message": "a", "recipients": ["x@y.z"]}}}"#
    )
    let body = try json(
      #"{"interval": 300, "agents": [{"agentId": "4"}, {"agentId": "3"}], "alertRules": ["10"], "notifications": {"email": {"message": "b", "recipients": ["x@y.z"]}}}"#
    )
    let changes = PlanDiff.changes(from: current, to: body)
    #expect(
      changes.flatMap(\.lines) == [
        #"alertRules: + "10""#, #"alertRules: - "High latency""#, "interval: 600 → 300",
        #"notifications.email.message: "a" → "b""#,
      ])
    #expect(PlanDiff.changes(from: current, to: try json(#"{"agents": ["3", 4], "interval": 600.0}"#)) == [])
  }
}
