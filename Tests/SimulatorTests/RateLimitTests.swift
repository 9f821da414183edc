import Foundation
import Testing

@testable import Simulator

@Suite struct RateLimitTests {
  @Test func headersCountDownThen429ThenReset() async throws {
    // Start just after a rollover so the five requests share one window.
    let now = Date().timeIntervalSince1970
    let wait = 2 - now.truncatingRemainder(dividingBy: 2) + 0.05
    try await Task.sleep(nanoseconds: UInt64(wait * 1e9))
    let server = try await startSimulator { $0.rateLimit = .init(limit: 5, window: 2) }
    defer { Task { await server.stop() } }
    let client = SimClient(server)
    var remaining: [String] = []
    var reset: String?
    for _ in 0..<5 {
      let reply = try await client.get("/agents")
      #expect(reply.status == 200)
      #expect(reply.header("X-Organization-Rate-Limit-Limit") == "5")
      remaining.append(reply.header("X-Organization-Rate-Limit-Remaining") ?? "")
      reset = reset ?? reply.header("X-Organization-Rate-Limit-Reset")
      #expect(reply.header("X-Organization-Rate-Limit-Reset") == reset)
    }
    #expect(remaining == ["4", "3", "2", "1", "0"])
    let resetEpoch = Int(reset!)!
    #expect(resetEpoch % 2 == 0)
    #expect(Double(resetEpoch) > Date().timeIntervalSince1970)

    // Over the limit: 429 problem with the same headers, and nothing done.
    let over = try await client.send("POST", "/roles", body: #"{"name": "Should not exist"}"#)
    #expect(over.status == 429)
    #expect(over.contentType == "application/problem+json")
    #expect(over.body["status"] == .int(429))
    #expect(over.header("X-Organization-Rate-Limit-Remaining") == "0")
    #expect(over.header("X-Organization-Rate-Limit-Reset") == reset)

    // After the reset the budget is back, and the refused POST had not acted.
    let sleep = Double(resetEpoch) - Date().timeIntervalSince1970 + 0.05
    if sleep > 0 { try await Task.sleep(nanoseconds: UInt64(sleep * 1e9)) }
    let after = try await client.get("/roles")
    #expect(after.status == 200)
    #expect(after.header("X-Organization-Rate-Limit-Remaining") == "4")
    let names = after.body["roles"]!.arrayValue!.compactMap { $0["name"]?.stringValue }
    #expect(!names.contains("Should not exist"))
  }

  @Test func unauthenticatedRequestsDoNotSpendTheBudget() async throws {
    let server = try await startSimulator { $0.rateLimit = .init(limit: 1000, window: 3600) }
    defer { Task { await server.stop() } }
    var anonymous = SimClient(server)
    anonymous.token = nil
    let denied = try await anonymous.get("/agents")
    #expect(denied.status == 401)
    #expect(denied.header("X-Organization-Rate-Limit-Remaining") == "1000")
    let ok = try await SimClient(server).get("/agents")
    #expect(ok.header("X-Organization-Rate-Limit-Remaining") == "999")
  }

  @Test func instantTestsHaveTheirOwnBudget() async throws {
    let server = try await startSimulator { $0.instantRateLimit = .init(limit: 2, window: 3600) }
    defer { Task { await server.stop() } }
    let client = SimClient(server)
    var remaining: [String?] = []
    var statuses: [Int] = []
    for _ in 0..<3 {
      let reply = try await client.send("POST", "/tests/123456/run")
      statuses.append(reply.status)
      remaining.append(reply.header("X-Instant-Test-Rate-Limit-Remaining"))
    }
    #expect(statuses == [200, 200, 429])
    #expect(remaining == ["1", "0", "0"])
    let other = try await client.get("/agents")
    #expect(other.status == 200, "the instant budget does not limit other requests")
    #expect(other.header("X-Instant-Test-Rate-Limit-Limit") == nil)
  }

  @Test func rateLimitOffSendsNoHeaders() async throws {
    let server = try await startSimulator { $0.rateLimit = nil }
    defer { Task { await server.stop() } }
    let reply = try await SimClient(server).get("/agents")
    #expect(reply.header("X-Organization-Rate-Limit-Limit") == nil)
  }

  @Test func rateLimiterRollsOverOnWindowBoundaries() {
    let limiter = RateLimiter(limit: 2, window: 60)
    #expect(limiter.acquire(now: 120.5) == .init(allowed: true, limit: 2, remaining: 1, reset: 180))
    #expect(limiter.acquire(now: 150) == .init(allowed: true, limit: 2, remaining: 0, reset: 180))
    #expect(limiter.acquire(now: 179.9) == .init(allowed: false, limit: 2, remaining: 0, reset: 180))
    #expect(limiter.acquire(now: 180) == .init(allowed: true, limit: 2, remaining: 1, reset: 240))
  }
}
