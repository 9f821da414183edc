import XCTest

@testable import Simulator

final class WorldTests: XCTestCase {
  func testTheGuidesExamplesArePresent() async throws {
    let server = try await startSimulator()
    defer { Task { await server.stop() } }
    let client = SimClient(server)
    let agents = try await client.get("/agents")
    let list = agents.body["agents"]!.arrayValue!
    let singapore = list.first { $0["agentName"] == "Singapore" }!
    XCTAssertEqual(singapore["agentId"], .string("3"))
    XCTAssertEqual(singapore["countryId"], "SG")
    XCTAssertEqual(singapore["agentType"], "cloud")
    let boston = list.first { $0["agentName"] == "Boston, MA" }!
    for agent in [singapore, boston] {
      let ips = agent["ipAddresses"]!.arrayValue!.compactMap(\.stringValue)
      XCTAssertTrue(ips.contains { $0.contains(".") && !$0.hasPrefix("10.") && !$0.hasPrefix("192.0.2.") })
      XCTAssertTrue(ips.contains { $0.contains(":") })
      XCTAssertEqual(
        agent.at("_links", "self", "href"),
        .string(server.baseURL + "/v7/agents/\(agent["agentId"]!.stringValue!)"))
    }
    let cloudIds = list.filter { $0["agentType"] == "cloud" }.map { $0["agentId"]! }
    XCTAssertEqual(cloudIds.count, 10)
    let enterprise = try await client.get("/agents?agentTypes=enterprise")
    XCTAssertTrue(enterprise.body["agents"]!.arrayValue!.allSatisfy { $0["agentType"] == "enterprise" })
    XCTAssertFalse(enterprise.body["agents"]!.arrayValue!.isEmpty)

    let test = try await client.get("/tests/agent-to-server/123456")
    XCTAssertEqual(test.body["testId"], .string("123456"))
    XCTAssertEqual(test.body["interval"], .int(600))
    XCTAssertEqual(test.body["agents"]!.arrayValue!.map { $0["agentId"]! }, cloudIds)

    let roles = try await client.get("/roles")
    let names = roles.body["roles"]!.arrayValue!.compactMap { $0["name"]?.stringValue }
    XCTAssertEqual(names, ["Organization Admin", "Account Admin", "Regular User"])
    let admin = try await client.get("/roles/1")
    XCTAssertFalse(admin.body["permissions"]!.arrayValue!.isEmpty)
  }

  func testSameSeedSameWorldAndScaling() async throws {
    let a = World(options: SimulatorOptions(), now: 1_800_000_000)
    let b = World(options: SimulatorOptions(), now: 1_800_000_000)
    var other = SimulatorOptions()
    other.seed = 2
    other.agents = 100
    other.tests = 30
    other.users = 9
    let c = World(options: other, now: 1_800_000_000)
    XCTAssertEqual(a.read { $0.agents.map(\.ipAddresses) }, b.read { $0.agents.map(\.ipAddresses) })
    XCTAssertEqual(a.read { $0.users.map(\.email) }, b.read { $0.users.map(\.email) })
    XCTAssertEqual(c.read { $0.agents.filter { $0.agentType == "cloud" }.count }, 100)
    XCTAssertEqual(c.read { $0.tests.count }, 31)
    XCTAssertEqual(c.read { $0.users.count }, 1 + 3 * 9)
    XCTAssertEqual(c.read { $0.tests.first { $0.testId == "123456" }!.agentIds.count }, 100)
    XCTAssertNotEqual(a.read { $0.agents[2].ipAddresses }, c.read { $0.agents[2].ipAddresses })
  }

  func testWritesAreSeenByLaterReads() async throws {
    let server = try await startSimulator()
    defer { Task { await server.stop() } }
    let client = SimClient(server)
    let created = try await client.send(
      "POST", "/users",
      body:
        #"{"name": "New Person", "email": "new.person@example.com", "accountGroupRoles": [{"accountGroupId": "1234", "roleIds": ["3"]}]}"#
    )
    XCTAssertEqual(created.status, 201)
    let location = created.header("Location")!
    XCTAssertEqual(location, created.body.at("_links", "self", "href")?.stringValue)
    let fetched = try await client.get(location)
    XCTAssertEqual(fetched.body["email"], "new.person@example.com")
    let renamed = try await client.send("PUT", location, body: #"{"name": "Renamed Person"}"#)
    XCTAssertEqual(renamed.body["name"], "Renamed Person")
    let status1 = try await client.send("DELETE", location).status
    XCTAssertEqual(status1, 204)
    let status2 = try await client.get(location).status
    XCTAssertEqual(status2, 404)

    let test = try await client.send(
      "POST", "/tests/http-server",
      body:
        #"{"testName": "Example", "url": "https://example.com/", "interval": 300, "agents": [{"agentId": "3"}]}"#
    )
    XCTAssertEqual(test.status, 201)
    let testId = test.body["testId"]!.stringValue!
    let listed = try await client.get("/tests")
    XCTAssertTrue(listed.body["tests"]!.arrayValue!.contains { $0["testId"] == .string(testId) })
    let results = try await client.get("/test-results/\(testId)/http-server?window=1h")
    XCTAssertEqual(results.body["results"]!.arrayValue!.count, 12)
    XCTAssertEqual(results.body["results"]!.arrayValue!.first?.at("agent", "agentId"), .string("3"))
    let wrongAgent = try await client.send(
      "POST", "/tests/http-server",
      body:
        #"{"testName": "Bad", "url": "https://example.com/", "interval": 300, "agents": [{"agentId": "999"}]}"#
    )
    XCTAssertEqual(problemErrors(wrongAgent).first?.message, "Agent 999 does not exist.")
  }
}
