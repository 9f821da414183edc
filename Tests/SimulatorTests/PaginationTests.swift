import Foundation
import Testing

@testable import Simulator

@Suite struct PaginationTests {
  /// Walks `next` links from `path`, returning every page.
  func walk(_ client: SimClient, _ path: String, limit: Int = 1000) async throws -> [Reply] {
    var pages: [Reply] = []
    var next: String? = path
    while let current = next, pages.count < limit {
      let reply = try await client.get(current)
      #expect(reply.status == 200, "\(current): \(String(decoding: reply.raw, as: UTF8.self))")
      pages.append(reply)
      next = reply.body.at("_links", "next", "href")?.stringValue
    }
    return pages
  }

  @Test func networkResultsWalkHasNoDuplicatesAndNothingMissing() async throws {
    let server = try await startSimulator { $0.pageSize = 37 }
    defer { Task { await server.stop() } }
    let client = SimClient(server)
    let agents = try await client.get("/agents?agentTypes=cloud")
    let cloud = agents.body["agents"]!.arrayValue!.map { $0["agentId"]!.stringValue! }
    let start = "2026-01-05T00:00:00Z"
    let end = "2026-01-05T06:00:00Z"
    let pages = try await walk(client, "/test-results/123456/network?startDate=\(start)&endDate=\(end)")
    var seen = Set<String>()
    var rows: [(Int, String)] = []
    for page in pages {
      #expect(page.body["results"]!.arrayValue!.count <= 37)
      if let next = page.body.at("_links", "next", "href")?.stringValue {
        #expect(next.hasPrefix(server.baseURL + "/v7/test-results/123456/network?cursor="), "\(next)")
      }
      for row in page.body["results"]!.arrayValue! {
        let round = row["roundId"]!.intValue!
        let agent = row.at("agent", "agentId")!.stringValue!
        #expect(seen.insert("\(round)/\(agent)").inserted, "duplicate \(round)/\(agent)")
        rows.append((round, agent))
      }
    }
    // 6 hours of 600 s rounds: 36 rounds, each on every Cloud Agent.
    #expect(rows.count == 36 * cloud.count)
    let startEpoch = ISODate.parse(start)!
    let expected = (0..<36).flatMap { r in cloud.map { "\(startEpoch + r * 600)/\($0)" } }
    #expect(rows.map { "\($0.0)/\($0.1)" } == expected, "ordered by roundId, then agent")
    #expect(pages.last!.body.at("_links", "next") == nil, "the last page has no next")
    #expect(pages.first!.body["startDate"] == .string(start))
    #expect(pages.first!.body["endDate"] == .string(end))
  }

  @Test func fixedWindowIsStableAndConsecutiveWindowsLineUp() async throws {
    let server = try await startSimulator()
    defer { Task { await server.stop() } }
    let client = SimClient(server)
    let a = try await client.get(
      "/test-results/123456/network?startDate=2026-02-01T00:00:00Z&endDate=2026-02-01T01:00:00Z")
    let b = try await client.get(
      "/test-results/123456/network?startDate=2026-02-01T00:00:00Z&endDate=2026-02-01T01:00:00Z")
    #expect(a.body["results"] == b.body["results"])
    let c = try await client.get(
      "/test-results/123456/network?startDate=2026-02-01T01:00:00Z&endDate=2026-02-01T02:00:00Z")
    let lastA = a.body["results"]!.arrayValue!.last!["roundId"]!.intValue!
    let firstC = c.body["results"]!.arrayValue!.first!["roundId"]!.intValue!
    #expect(firstC - lastA == 600)
    // Latency differs by agent.
    let latencies = Set(
      a.body["results"]!.arrayValue!.prefix(10).compactMap { row -> Double? in
        if case .double(let d)? = row["avgLatency"] { return d }
        return nil
      })
    #expect(latencies.count > 5)
  }

  @Test func windowOfTheLastHourEndsAtTheLastCompletedRound() async throws {
    let server = try await startSimulator()
    defer { Task { await server.stop() } }
    let reply = try await SimClient(server).get("/test-results/123456/network?window=1h")
    let rounds = Set(reply.body["results"]!.arrayValue!.map { $0["roundId"]!.intValue! })
    #expect(rounds.count == 6)
    let now = Int(Date().timeIntervalSince1970)
    #expect(rounds.allSatisfy { $0 % 600 == 0 && $0 < now && $0 >= now - 3600 - 600 })
  }

  @Test func tamperedOrForeignCursorIs400() async throws {
    let server = try await startSimulator { $0.pageSize = 5 }
    defer { Task { await server.stop() } }
    let client = SimClient(server)
    let first = try await client.get("/test-results/123456/network?window=1h")
    let next = first.body.at("_links", "next", "href")!.stringValue!
    let cursor = String(next.split(separator: "=", maxSplits: 1)[1])
    var tampered = Array(cursor)
    tampered[3] = tampered[3] == "A" ? "B" : "A"
    for bad in [String(tampered), "garbage", "", cursor + "x"] {
      let reply = try await client.get("/test-results/123456/network?cursor=\(bad)")
      #expect(reply.status == 400, "\(bad)")
      #expect(reply.contentType == "application/problem+json")
      #expect(problemErrors(reply).first?.code == "INVALID_CURSOR")
    }
    // A results cursor is not an alerts cursor.
    let foreign = try await client.get("/alerts?cursor=\(cursor)")
    #expect(foreign.status == 400)
  }

  @Test func alertsAndEndpointAgentsPaginate() async throws {
    let server = try await startSimulator()
    defer { Task { await server.stop() } }
    let client = SimClient(server)
    let all = try await client.get("/endpoint/agents")
    let total = all.body["totalAgents"]!.intValue!
    let pages = try await walk(client, "/endpoint/agents?max=7")
    let ids = pages.flatMap { $0.body["agents"]!.arrayValue!.map { $0["id"]!.stringValue! } }
    #expect(ids.count == total)
    #expect(Set(ids).count == total)
    #expect(pages.count == (total + 6) / 7)

    let active = try await client.get("/alerts?window=30d")
    let activeIds = active.body["alerts"]!.arrayValue!.map { $0["id"]!.stringValue! }
    #expect(!activeIds.isEmpty)
    #expect(active.body["alerts"]!.arrayValue!.allSatisfy { $0["alertState"] == "trigger" })
    let walked = try await walk(client, "/alerts?window=30d&max=2")
    #expect(walked.flatMap { $0.body["alerts"]!.arrayValue!.map { $0["id"]!.stringValue! } } == activeIds)
    let cleared = try await client.get("/alerts?window=30d&state=clear")
    #expect(cleared.body["alerts"]!.arrayValue!.allSatisfy { $0["alertState"] == "clear" })
    let one = try await client.get("/alerts/\(activeIds[0])")
    #expect(one.status == 200)
    #expect(one.body["id"] == .string(activeIds[0]))
  }
}
