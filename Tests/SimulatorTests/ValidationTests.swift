import Foundation
import Testing

@testable import Simulator

@Suite final class ValidationTests {
  let server: SimulatorServer
  let client: SimClient

  init() async throws {
    server = try await startSimulator()
    client = SimClient(server)
  }

  deinit {
    Task { [server] in await server.stop() }
  }

  @Test func missingRequiredFields() async throws {
    let reply = try await client.send("POST", "/tests/agent-to-server", body: #"{"testName": "x"}"#)
    #expect(reply.status == 400)
    #expect(reply.contentType == "application/problem+json")
    let errors = problemErrors(reply)
    #expect(
      errors.contains { $0.code == "REQUIRED" && $0.field == "server" && $0.message == "server is required." }
    )
    #expect(errors.contains { $0.code == "REQUIRED" && $0.field == "interval" })
    #expect(errors.contains { $0.code == "REQUIRED" && $0.field == "agents" })
  }

  @Test func enumTypeUnknownAndReadOnlyFields() async throws {
    let body = #"""
      {"testName": "v", "server": "example.com", "interval": 61, "agents": [{"agentId": 3}],
       "frobnicate": true, "testId": "1", "protocol": "carrier-pigeon"}
      """#
    let reply = try await client.send("POST", "/tests/agent-to-server", body: body)
    #expect(reply.status == 400)
    let errors = problemErrors(reply)
    let interval = errors.first { $0.field == "interval" }
    #expect(interval?.code == "INVALID_VALUE")
    #expect(interval?.message == "interval must be one of: 60, 120, 300, 600, 900, 1800, 3600.")
    #expect(
      errors.first { $0.field == "agents[0].agentId" }?.message
        == "agents[0].agentId must be a string, not integer.")
    #expect(errors.first { $0.field == "frobnicate" }?.code == "UNKNOWN_FIELD")
    #expect(errors.first { $0.field == "testId" }?.code == "READ_ONLY")
    #expect(errors.first { $0.field == "protocol" }?.code == "INVALID_VALUE")
  }

  @Test func getModifyPutOfATestIsRejectedForReadOnlyFieldsButPartialUpdateWorks() async throws {
    let current = try await client.get("/tests/agent-to-server/123456")
    #expect(current.body["interval"] == .int(600))
    let echoed = try await client.send(
      "PUT", "/tests/agent-to-server/123456", body: String(decoding: current.raw, as: UTF8.self))
    #expect(echoed.status == 400)
    #expect(problemErrors(echoed).contains { $0.field == "testId" && $0.code == "READ_ONLY" })

    let updated = try await client.send("PUT", "/tests/agent-to-server/123456", body: #"{"interval": 300}"#)
    #expect(updated.status == 200)
    #expect(updated.body["interval"] == .int(300))
    let again = try await client.get("/tests/agent-to-server/123456")
    #expect(again.body["interval"] == .int(300))
    #expect(again.body["server"] == "www.thousandeyes.com")
    let history = try await client.get("/tests/123456/history")
    #expect(history.body["testVersionHistory"]?.arrayValue?.count == 2)
  }

  @Test func malformedJSONAndMissingBody() async throws {
    let bad = try await client.send("POST", "/roles", body: "{nope")
    #expect(bad.status == 400)
    #expect(bad.body["detail"]!.stringValue!.hasPrefix("The request body is not valid JSON"))
    let missing = try await client.send("PUT", "/roles/100")
    #expect(missing.status == 400)
    #expect(problemErrors(missing).first?.code == "MISSING_BODY")
  }

  @Test func duplicateUserEmailAndUnknownIds() async throws {
    let body =
      #"{"name": "Dup", "email": "sim.user@example.com", "accountGroupRoles": [{"accountGroupId": "1234", "roleIds": ["3"]}]}"#
    let dup = try await client.send("POST", "/users", body: body)
    #expect(dup.status == 400)
    #expect(problemErrors(dup).first?.code == "DUPLICATE")
    #expect(problemErrors(dup).first?.field == "email")

    for path in [
      "/users/999999", "/roles/999999", "/agents/999999", "/tests/http-server/1", "/alerts/rules/1",
      "/alert-suppression-windows/1", "/account-groups/1", "/alerts/00000000-0000-4000-a000-000000000000",
      "/test-results/999/network",
    ] {
      let reply = try await client.get(path)
      #expect(reply.status == 404, "\(path)")
      #expect(reply.body["status"] == .int(404))
      #expect(reply.body["instance"] == .string("/v7" + path))
    }
    let ghost = try await client.get("/no-such-thing")
    #expect(ghost.status == 404)
  }

  @Test func queryParameterErrors() async throws {
    let window = try await client.get("/test-results/123456/network?window=ten")
    #expect(window.status == 400)
    #expect(problemErrors(window).first?.field == "window")
    let date = try await client.get("/test-results/123456/network?startDate=yesterday")
    #expect(problemErrors(date).first?.message == "startDate must be an ISO 8601 date-time, not yesterday.")
    let direction = try await client.get("/test-results/123456/network?direction=sideways")
    #expect(problemErrors(direction).first?.field == "direction")
    let types = try await client.get("/agents?agentTypes=robot")
    #expect(types.status == 400)
  }
}
