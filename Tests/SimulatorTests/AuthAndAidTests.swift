import Foundation
import Testing

@testable import Simulator

@Suite struct AuthAndAidTests {
  @Test func missingAndWrongTokensGetOAuthShaped401() async throws {
    let server = try await startSimulator()
    defer { Task { await server.stop() } }
    for token in [nil, "not-the-token"] as [String?] {
      var client = SimClient(server)
      client.token = token
      let reply = try await client.get("/agents")
      #expect(reply.status == 401)
      #expect(reply.body["error"] == "invalid_token")
      #expect(reply.body["error_description"]?.stringValue?.isEmpty == false)
      #expect(reply.body["title"] == nil, "401 is OAuth-shaped, not a problem document")
    }
    let ok = try await SimClient(server).get("/agents")
    #expect(ok.status == 200)
    #expect(ok.contentType == "application/hal+json")
  }

  @Test func explicitTokenIsTheOnlyOneAccepted() async throws {
    let server = try await startSimulator { $0.token = "s3cret" }
    defer { Task { await server.stop() } }
    #expect(server.token == "s3cret")
    let status1 = try await SimClient(server).get("/users/current").status
    #expect(status1 == 200)
    let status2 = try await SimClient(server, token: "s3cret2").get("/users/current").status
    #expect(status2 == 401)
  }

  @Test func dataIsScopedByAccountGroup() async throws {
    let server = try await startSimulator()
    defer { Task { await server.stop() } }
    let client = SimClient(server)
    let me = try await client.get("/users/current")
    #expect(me.body.at("loginAccountGroup", "aid") == "1234")

    let main = try await client.get("/tests")
    let ops = try await client.get("/tests?aid=5678")
    let mainIds = Set(main.body["tests"]?.arrayValue?.compactMap { $0["testId"]?.stringValue } ?? [])
    let opsIds = Set(ops.body["tests"]?.arrayValue?.compactMap { $0["testId"]?.stringValue } ?? [])
    #expect(mainIds.contains("123456"))
    #expect(!opsIds.isEmpty)
    #expect(mainIds.isDisjoint(with: opsIds), "each account group sees its own tests")

    // A test of another account group is not found in this one.
    let otherId = opsIds.sorted().first!
    let types = ops.body["tests"]!.arrayValue!.first { $0["testId"]?.stringValue == otherId }!["type"]!
      .stringValue!
    let status3 = try await client.get("/tests/\(types)/\(otherId)?aid=5678").status
    #expect(status3 == 200)
    let hidden = try await client.get("/tests/\(types)/\(otherId)")
    #expect(hidden.status == 404)
    #expect(hidden.contentType == "application/problem+json")

    let usersMain = try await client.get("/users")
    let usersOps = try await client.get("/users?aid=5678")
    #expect(usersMain.body["users"] != usersOps.body["users"])
  }

  @Test func aidTheUserDoesNotBelongToIs403Problem() async throws {
    let server = try await startSimulator()
    defer { Task { await server.stop() } }
    let client = SimClient(server)
    for aid in ["9012", "424242"] {
      let reply = try await client.get("/agents?aid=\(aid)")
      #expect(reply.status == 403)
      #expect(reply.contentType == "application/problem+json")
      #expect(reply.body["status"] == .int(403))
      #expect(reply.body["detail"] == .string("You do not have access to account group \(aid)."))
      #expect(reply.body["instance"] == .string("/v7/agents?aid=\(aid)"))
    }
    let groups = try await client.get("/account-groups")
    let aids = groups.body["accountGroups"]?.arrayValue?.compactMap { $0["aid"]?.stringValue }
    #expect(aids == ["1234", "5678"])
  }
}
