import XCTest

@testable import Simulator

final class ValidationTests: XCTestCase {
  var server: SimulatorServer!
  var client: SimClient!

  override func setUp() async throws {
    server = try await startSimulator()
    client = SimClient(server)
  }

  override func tearDown() async throws {
    await server.stop()
  }

  func testMissingRequiredFields() async throws {
    let reply = try await client.send("POST", "/tests/agent-to-server", body: #"{"testName": "x"}"#)
    XCTAssertEqual(reply.status, 400)
    XCTAssertEqual(reply.contentType, "application/problem+json")
    let errors = problemErrors(reply)
    XCTAssertTrue(
      errors.contains { $0.code == "REQUIRED" && $0.field == "server" && $0.message == "server is required." }
    )
    XCTAssertTrue(errors.contains { $0.code == "REQUIRED" && $0.field == "interval" })
    XCTAssertTrue(errors.contains { $0.code == "REQUIRED" && $0.field == "agents" })
  }

  func testEnumTypeUnknownAndReadOnlyFields() async throws {
    let body = #"""
      {"testName": "v", "server": "example.com", "interval": 61, "agents": [{"agentId": 3}],
       "frobnicate": true, "testId": "1", "protocol": "carrier-pigeon"}
      """#
    let reply = try await client.send("POST", "/tests/agent-to-server", body: body)
    XCTAssertEqual(reply.status, 400)
    let errors = problemErrors(reply)
    let interval = errors.first { $0.field == "interval" }
    XCTAssertEqual(interval?.code, "INVALID_VALUE")
    XCTAssertEqual(interval?.message, "interval must be one of: 60, 120, 300, 600, 900, 1800, 3600.")
    XCTAssertEqual(
      errors.first { $0.field == "agents[0].agentId" }?.message,
      "agents[0].agentId must be a string, not integer.")
    XCTAssertEqual(errors.first { $0.field == "frobnicate" }?.code, "UNKNOWN_FIELD")
    XCTAssertEqual(errors.first { $0.field == "testId" }?.code, "READ_ONLY")
    XCTAssertEqual(errors.first { $0.field == "protocol" }?.code, "INVALID_VALUE")
  }

  func testGetModifyPutOfATestIsRejectedForReadOnlyFieldsButPartialUpdateWorks() async throws {
    let current = try await client.get("/tests/agent-to-server/123456")
    XCTAssertEqual(current.body["interval"], .int(600))
    let echoed = try await client.send(
      "PUT", "/tests/agent-to-server/123456", body: String(decoding: current.raw, as: UTF8.self))
    XCTAssertEqual(echoed.status, 400)
    XCTAssertTrue(problemErrors(echoed).contains { $0.field == "testId" && $0.code == "READ_ONLY" })

    let updated = try await client.send("PUT", "/tests/agent-to-server/123456", body: #"{"interval": 300}"#)
    XCTAssertEqual(updated.status, 200)
    XCTAssertEqual(updated.body["interval"], .int(300))
    let again = try await client.get("/tests/agent-to-server/123456")
    XCTAssertEqual(again.body["interval"], .int(300))
    XCTAssertEqual(again.body["server"], "www.thousandeyes.com")
    let history = try await client.get("/tests/123456/history")
    XCTAssertEqual(history.body["testVersionHistory"]?.arrayValue?.count, 2)
  }

  func testMalformedJSONAndMissingBody() async throws {
    let bad = try await client.send("POST", "/roles", body: "{nope")
    XCTAssertEqual(bad.status, 400)
    XCTAssertTrue(bad.body["detail"]!.stringValue!.hasPrefix("The request body is not valid JSON"))
    let missing = try await client.send("PUT", "/roles/100")
    XCTAssertEqual(missing.status, 400)
    XCTAssertEqual(problemErrors(missing).first?.code, "MISSING_BODY")
  }

  func testDuplicateUserEmailAndUnknownIds() async throws {
    let body =
      #"{"name": "Dup", "email": "sim.user@example.com", "accountGroupRoles": [{"accountGroupId": "1234", "roleIds": ["3"]}]}"#
    let dup = try await client.send("POST", "/users", body: body)
    XCTAssertEqual(dup.status, 400)
    XCTAssertEqual(problemErrors(dup).first?.code, "DUPLICATE")
    XCTAssertEqual(problemErrors(dup).first?.field, "email")

    for path in [
      "/users/999999", "/roles/999999", "/agents/999999", "/tests/http-server/1", "/alerts/rules/1",
      "/alert-suppression-windows/1", "/account-groups/1", "/alerts/00000000-0000-4000-a000-000000000000",
      "/test-results/999/network",
    ] {
      let reply = try await client.get(path)
      XCTAssertEqual(reply.status, 404, path)
      XCTAssertEqual(reply.body["status"], .int(404))
      XCTAssertEqual(reply.body["instance"], .string("/v7" + path))
    }
    let ghost = try await client.get("/no-such-thing")
    XCTAssertEqual(ghost.status, 404)
  }

  func testQueryParameterErrors() async throws {
    let window = try await client.get("/test-results/123456/network?window=ten")
    XCTAssertEqual(window.status, 400)
    XCTAssertEqual(problemErrors(window).first?.field, "window")
    let date = try await client.get("/test-results/123456/network?startDate=yesterday")
    XCTAssertEqual(
      problemErrors(date).first?.message, "startDate must be an ISO 8601 date-time, not yesterday.")
    let direction = try await client.get("/test-results/123456/network?direction=sideways")
    XCTAssertEqual(problemErrors(direction).first?.field, "direction")
    let types = try await client.get("/agents?agentTypes=robot")
    XCTAssertEqual(types.status, 400)
  }
}
