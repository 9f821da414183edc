import Foundation
import Testing

@testable import Simulator

@Suite struct WorldTests {
  @Test func theGuidesExamplesArePresent() async throws {
    let server = try await startSimulator()
    defer { Task { await server.stop() } }
    let client = SimClient(server)
    let agents = try await client.get("/agents")
    let list = agents.body["agents"]!.arrayValue!
    let singapore = list.first { $0["agentName"] == "Singapore" }!
    #expect(singapore["agentId"] == .string("3"))
    #expect(singapore["countryId"] == "SG")
    #expect(singapore["agentType"] == "cloud")
    let boston = list.first { $0["agentName"] == "Boston, MA" }!
    for agent in [singapore, boston] {
      let ips = agent["ipAddresses"]!.arrayValue!.compactMap(\.stringValue)
      #expect(ips.contains { $0.contains(".") && !$0.hasPrefix("10.") && !$0.hasPrefix("192.0.2.") })
      #expect(ips.contains { $0.contains(":") })
      #expect(
        agent.at("_links", "self", "href")
          == .string(server.baseURL + "/v7/agents/\(agent["agentId"]!.stringValue!)"))
    }
    let cloudIds = list.filter { $0["agentType"] == "cloud" }.map { $0["agentId"]! }
    #expect(cloudIds.count == 10)
    let enterprise = try await client.get("/agents?agentTypes=enterprise")
    #expect(enterprise.body["agents"]!.arrayValue!.allSatisfy { $0["agentType"] == "enterprise" })
    #expect(!enterprise.body["agents"]!.arrayValue!.isEmpty)

    let test = try await client.get("/tests/agent-to-server/123456")
    #expect(test.body["testId"] == .string("123456"))
    #expect(test.body["interval"] == .int(600))
    #expect(test.body["agents"]!.arrayValue!.map { $0["agentId"]! } == cloudIds)

    let roles = try await client.get("/roles")
    let names = roles.body["roles"]!.arrayValue!.compactMap { $0["name"]?.stringValue }
    #expect(names == ["Organization Admin", "Account Admin", "Regular User"])
    let admin = try await client.get("/roles/1")
    #expect(!admin.body["permissions"]!.arrayValue!.isEmpty)
  }

  @Test func sameSeedSameWorldAndScaling() async throws {
    let a = World(options: SimulatorOptions(), now: 1_800_000_000)
    let b = World(options: SimulatorOptions(), now: 1_800_000_000)
    var other = SimulatorOptions()
    other.seed = 2
    other.agents = 100
    other.tests = 30
    other.users = 9
    let c = World(options: other, now: 1_800_000_000)
    #expect(a.read { $0.agents.map(\.ipAddresses) } == b.read { $0.agents.map(\.ipAddresses) })
    #expect(a.read { $0.users.map(\.email) } == b.read { $0.users.map(\.email) })
    #expect(c.read { $0.agents.filter { $0.agentType == "cloud" }.count } == 100)
    #expect(c.read { $0.tests.count } == 31)
    #expect(c.read { $0.users.count } == 1 + 3 * 9)
    #expect(c.read { $0.tests.first { $0.testId == "123456" }!.agentIds.count } == 100)
    #expect(a.read { $0.agents[2].ipAddresses } != c.read { $0.agents[2].ipAddresses })
  }

  @Test func writesAreSeenByLaterReads() async throws {
    let server = try await startSimulator()
    defer { Task { await server.stop() } }
    let client = SimClient(server)
    let created = try await client.send(
      "POST", "/users",
      body:
        #"{"name": "New Person", "email": "new.person@example.com", "accountGroupRoles": [{"accountGroupId": "1234", "roleIds": ["3"]}]}"#
    )
    #expect(created.status == 201)
    let location = created.header("Location")!
    #expect(location == created.body.at("_links", "self", "href")?.stringValue)
    let fetched = try await client.get(location)
    #expect(fetched.body["email"] == "new.person@example.com")
    let renamed = try await client.send("PUT", location, body: #"{"name": "Renamed Person"}"#)
    #expect(renamed.body["name"] == "Renamed Person")
    let status1 = try await client.send("DELETE", location).status
    #expect(status1 == 204)
    let status2 = try await client.get(location).status
    #expect(status2 == 404)

    let test = try await client.send(
      "POST", "/tests/http-server",
      body:
        #"{"testName": "Example", "url": "https://example.com/", "interval": 300, "agents": [{"agentId": "3"}]}"#
    )
    #expect(test.status == 201)
    let testId = test.body["testId"]!.stringValue!
    let listed = try await client.get("/tests")
    #expect(listed.body["tests"]!.arrayValue!.contains { $0["testId"] == .string(testId) })
    let results = try await client.get("/test-results/\(testId)/http-server?window=1h")
    #expect(results.body["results"]!.arrayValue!.count == 12)
    #expect(results.body["results"]!.arrayValue!.first?.at("agent", "agentId") == .string("3"))
    let wrongAgent = try await client.send(
      "POST", "/tests/http-server",
      body:
        #"{"testName": "Bad", "url": "https://example.com/", "interval": 300, "agents": [{"agentId": "999"}]}"#
    )
    #expect(problemErrors(wrongAgent).first?.message == "Agent 999 does not exist.")
  }
}
