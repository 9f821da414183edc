import XCTest

@testable import Simulator

final class AuthAndAidTests: XCTestCase {
  func testMissingAndWrongTokensGetOAuthShaped401() async throws {
    let server = try await startSimulator()
    defer { Task { await server.stop() } }
    for token in [nil, "not-the-token"] as [String?] {
      var client = SimClient(server)
      client.token = token
      let reply = try await client.get("/agents")
      XCTAssertEqual(reply.status, 401)
      XCTAssertEqual(reply.body["error"], "invalid_token")
      XCTAssertEqual(reply.body["error_description"]?.stringValue?.isEmpty, false)
      XCTAssertNil(reply.body["title"], "401 is OAuth-shaped, not a problem document")
    }
    let ok = try await SimClient(server).get("/agents")
    XCTAssertEqual(ok.status, 200)
    XCTAssertEqual(ok.contentType, "application/hal+json")
  }

  func testExplicitTokenIsTheOnlyOneAccepted() async throws {
    let server = try await startSimulator { $0.token = "s3cret" }
    defer { Task { await server.stop() } }
    XCTAssertEqual(server.token, "s3cret")
    let status1 = try await SimClient(server).get("/users/current").status
    XCTAssertEqual(status1, 200)
    let status2 = try await SimClient(server, token: "s3cret2").get("/users/current").status
    XCTAssertEqual(status2, 401)
  }

  func testDataIsScopedByAccountGroup() async throws {
    let server = try await startSimulator()
    defer { Task { await server.stop() } }
    let client = SimClient(server)
    let me = try await client.get("/users/current")
    XCTAssertEqual(me.body.at("loginAccountGroup", "aid"), "1234")

    let main = try await client.get("/tests")
    let ops = try await client.get("/tests?aid=5678")
    let mainIds = Set(main.body["tests"]?.arrayValue?.compactMap { $0["testId"]?.stringValue } ?? [])
    let opsIds = Set(ops.body["tests"]?.arrayValue?.compactMap { $0["testId"]?.stringValue } ?? [])
    XCTAssertTrue(mainIds.contains("123456"))
    XCTAssertFalse(opsIds.isEmpty)
    XCTAssertTrue(mainIds.isDisjoint(with: opsIds), "each account group sees its own tests")

    // A test of another account group is not found in this one.
    let otherId = opsIds.sorted().first!
    let types = ops.body["tests"]!.arrayValue!.first { $0["testId"]?.stringValue == otherId }!["type"]!
      .stringValue!
    let status3 = try await client.get("/tests/\(types)/\(otherId)?aid=5678").status
    XCTAssertEqual(status3, 200)
    let hidden = try await client.get("/tests/\(types)/\(otherId)")
    XCTAssertEqual(hidden.status, 404)
    XCTAssertEqual(hidden.contentType, "application/problem+json")

    let usersMain = try await client.get("/users")
    let usersOps = try await client.get("/users?aid=5678")
    XCTAssertNotEqual(usersMain.body["users"], usersOps.body["users"])
  }

  func testAidTheUserDoesNotBelongToIs403Problem() async throws {
    let server = try await startSimulator()
    defer { Task { await server.stop() } }
    let client = SimClient(server)
    for aid in ["9012", "424242"] {
      let reply = try await client.get("/agents?aid=\(aid)")
      XCTAssertEqual(reply.status, 403)
      XCTAssertEqual(reply.contentType, "application/problem+json")
      XCTAssertEqual(reply.body["status"], .int(403))
      XCTAssertEqual(reply.body["detail"], .string("You do not have access to account group \(aid)."))
      XCTAssertEqual(reply.body["instance"], .string("/v7/agents?aid=\(aid)"))
    }
    let groups = try await client.get("/account-groups")
    let aids = groups.body["accountGroups"]?.arrayValue?.compactMap { $0["aid"]?.stringValue }
    XCTAssertEqual(aids, ["1234", "5678"])
  }
}
