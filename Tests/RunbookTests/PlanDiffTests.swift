import Foundation
import Runbook
import ThousandEyes
import XCTest

/// Request schemas, body validation, update bodies and semantic diffs, without a server.
final class PlanDiffTests: XCTestCase {
  private func json(_ text: String) throws -> PlanJSON {
    try PlanJSON.decode(Array(text.utf8))
  }

  private func operation(_ id: String) throws -> ThousandEyes.Operation {
    try XCTUnwrap(Catalog.operation(id: id))
  }

  func testValidationReportsRequiredReadOnlyTypesEnumsFormatsAndRanges() throws {
    let rule = try json(
      #"{"ruleName": "r", "expression": "((loss >= 10%))", "alertType": "nope", "roundsViolatingOutOf": "2", "roundsViolatingMode": "any"}"#
    )
    let problems = BodyValidator.problems(rule, for: try operation("updateAlertRule"))
    XCTAssertEqual(
      problems.map { "\($0.field) \($0.code)" }.sorted(),
      ["alertType INVALID_VALUE", "roundsViolatingMode READ_ONLY", "roundsViolatingOutOf INVALID_TYPE"])
    let missing = BodyValidator.problems(
      try json(#"{"interval": 7}"#), for: try operation("updateHttpServerTest"))
    XCTAssertTrue(
      missing.contains(
        BodyValidator.Problem(field: "agents", code: "REQUIRED", message: "agents is required.")))
    XCTAssertTrue(missing.contains { $0.field == "interval" && $0.code == "INVALID_VALUE" })
    let window = try json(#"{"name": "w", "startDate": "tomorrow", "duration": 60, "testIds": ["1"]}"#)
    XCTAssertEqual(
      BodyValidator.problems(window, for: try operation("createAlertSuppressionWindow")).map(\.description),
      ["startDate INVALID_FORMAT: startDate must be a date-time such as 2026-12-01T10:00:00Z."])
    let good = try json(
      #"{"name": "w", "startDate": "2026-12-02T01:00:00Z", "duration": 60, "testIds": ["1"]}"#)
    XCTAssertEqual(BodyValidator.problems(good, for: try operation("createAlertSuppressionWindow")), [])
    // A create needs what the API needs, though the spec's shared create/update schema does not say.
    XCTAssertEqual(
      BodyValidator.problems(try json(#"{"name": "w"}"#), for: try operation("createAlertSuppressionWindow"))
        .map(\.description),
      ["startDate REQUIRED: startDate is required.", "duration REQUIRED: duration is required."])
    XCTAssertEqual(
      BodyValidator.problems(try json(#"{"name": "w"}"#), for: try operation("updateAlertSuppressionWindow")),
      [])
    let readOnly = BodyValidator.problems(
      try json(#"{"testId": "1", "interval": 300}"#), for: try operation("updateAgentToServerTest"))
    XCTAssertEqual(
      readOnly.map(\.description), ["testId READ_ONLY: testId is read-only and cannot be sent in a request."])
    let placeholder = try json(#"{"email": "~known-after-apply-1.uid~"}"#)
    XCTAssertEqual(BodyValidator.problems(placeholder, for: try operation("updateUser")), [])
  }

  func testAFullUpdateMergesTheCurrentObjectAsTheRequestTakesIt() throws {
    let current = try json(
      #"{"testId": "7", "type": "http-server", "testName": "T", "interval": 600, "url": "https://x", "createdDate": "2026-01-01T00:00:00Z", "agents": [{"agentId": "3", "agentName": "Singapore"}], "alertRules": [{"ruleId": "9", "ruleName": "High latency"}], "_links": {"self": {"href": "x"}}}"#
    )
    let op = try operation("updateHttpServerTest")
    XCTAssertTrue(RequestShape.replacesWholeObject(op))
    XCTAssertFalse(RequestShape.replacesWholeObject(try operation("updateAgentToServerTest")))
    let body = RequestShape.updateBody(
      current: current, changes: try json(#"{"interval": 300}"#), operation: op, full: true)
    XCTAssertEqual(
      body,
      try json(
        #"{"testName": "T", "interval": 300, "url": "https://x", "agents": [{"agentId": "3"}], "alertRules": ["9"]}"#
      ))
    XCTAssertEqual(BodyValidator.problems(body, for: op), [])
    // A get result passed back: its read-only fields are dropped; a changed one is kept.
    let passedBack = RequestShape.updateBody(current: current, changes: current, operation: op, full: false)
    XCTAssertNil(passedBack["testId"])
    XCTAssertNil(passedBack["_links"])
    let changedId = RequestShape.updateBody(
      current: current, changes: try json(#"{"testId": "8"}"#), operation: op, full: false)
    XCTAssertEqual(changedId["testId"], .string("8"))
  }

  func testAPartialUpdateSendsOnlyChangesAndNeverAnEmptiedObject() throws {
    let user = try json(
      #"{"uid": "1002", "name": "Ada", "email": "ada@example.com", "loginAccountGroup": {"aid": "1234"}, "accountGroupRoles": [{"accountGroup": {"aid": "1234"}, "roles": [{"roleId": "2", "name": "Account Admin"}]}]}"#
    )
    let op = try operation("updateUser")
    XCTAssertFalse(RequestShape.replacesWholeObject(op))
    guard case .object(var changed) = user else { return XCTFail() }
    changed["name"] = .string("Ada H.")
    XCTAssertEqual(
      RequestShape.updateBody(current: user, changes: .object(changed), operation: op, full: false),
      try json(#"{"name": "Ada H."}"#))
    changed["accountGroupRoles"] = try json(
      #"[{"accountGroup": {"aid": "1234"}, "roles": [{"roleId": "3"}]}]"#)
    let body = RequestShape.updateBody(current: user, changes: .object(changed), operation: op, full: false)
    XCTAssertEqual(body["accountGroupRoles"], changed["accountGroupRoles"], "kept as given, not emptied")
    XCTAssertEqual(
      BodyValidator.problems(body, for: op).map(\.code), ["UNKNOWN_FIELD", "UNKNOWN_FIELD"], "and refused")
  }

  func testAPasswordIsNeverShownInAPlan() throws {
    let current = try json(#"{"interval": 600, "alertRules": []}"#)
    let body = try json(#"{"interval": 600, "alertRules": [], "password": "s3cret"}"#)
    let changes = PlanDiff.changes(from: current, to: body, operation: try operation("updateFtpServerTest"))
    XCTAssertEqual(changes.flatMap(\.lines), ["password: (write-only value, not shown)"])
    XCTAssertFalse(String(decoding: try JSONEncoder().encode(changes), as: UTF8.self).contains("s3cret"))
  }

  func testAnEmptyLuaTableIsSentAsAnArrayWhereTheRequestTakesOne() throws {
    let op = try operation("createRole")
    let fixed = RequestShape.emptyTablesAsArrays(
      try json(#"{"name": "r", "permissions": {}}"#), operation: op)
    XCTAssertEqual(fixed, try json(#"{"name": "r", "permissions": []}"#))
    XCTAssertEqual(BodyValidator.problems(fixed, for: op), [])
    let window = try operation("createAlertSuppressionWindow")
    let notes = try json(#"{"name": "w", "repeat": {}}"#)
    XCTAssertEqual(RequestShape.emptyTablesAsArrays(notes, operation: window), notes, "objects stay objects")
  }

  func testDiffsAreSemanticAndShowOnlyChangedLeaves() throws {
    let current = try json(
      #"{"interval": 600, "agents": [{"agentId": "3", "agentName": "Singapore"}, {"agentId": "4", "agentName": "Paris"}], "alertRules": [{"ruleId": "9", "ruleName": "High latency"}], "notifications": {"email": {"message": "a", "recipients": ["x@y.z"]}}}"#
    )
    let body = try json(
      #"{"interval": 300, "agents": [{"agentId": "4"}, {"agentId": "3"}], "alertRules": ["10"], "notifications": {"email": {"message": "b", "recipients": ["x@y.z"]}}}"#
    )
    let changes = PlanDiff.changes(from: current, to: body)
    XCTAssertEqual(
      changes.flatMap(\.lines),
      [
        #"alertRules: + "10""#, #"alertRules: - "High latency""#, "interval: 600 → 300",
        #"notifications.email.message: "a" → "b""#,
      ])
    XCTAssertEqual(
      PlanDiff.changes(from: current, to: try json(#"{"agents": ["3", 4], "interval": 600.0}"#)), [])
  }
}
