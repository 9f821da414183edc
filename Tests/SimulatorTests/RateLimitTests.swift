import XCTest

@testable import Simulator

final class RateLimitTests: XCTestCase {
  func testHeadersCountDownThen429ThenReset() async throws {
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
      XCTAssertEqual(reply.status, 200)
      XCTAssertEqual(reply.header("X-Organization-Rate-Limit-Limit"), "5")
      remaining.append(reply.header("X-Organization-Rate-Limit-Remaining") ?? "")
      reset = reset ?? reply.header("X-Organization-Rate-Limit-Reset")
      XCTAssertEqual(reply.header("X-Organization-Rate-Limit-Reset"), reset)
    }
    XCTAssertEqual(remaining, ["4", "3", "2", "1", "0"])
    let resetEpoch = Int(reset!)!
    XCTAssertEqual(resetEpoch % 2, 0)
    XCTAssertGreaterThan(Double(resetEpoch), Date().timeIntervalSince1970)

    // Over the limit: 429 problem with the same headers, and nothing done.
    let over = try await client.send("POST", "/roles", body: #"{"name": "Should not exist"}"#)
    XCTAssertEqual(over.status, 429)
    XCTAssertEqual(over.contentType, "application/problem+json")
    XCTAssertEqual(over.body["status"], .int(429))
    XCTAssertEqual(over.header("X-Organization-Rate-Limit-Remaining"), "0")
    XCTAssertEqual(over.header("X-Organization-Rate-Limit-Reset"), reset)

    // After the reset the budget is back, and the refused POST had not acted.
    let sleep = Double(resetEpoch) - Date().timeIntervalSince1970 + 0.05
    if sleep > 0 { try await Task.sleep(nanoseconds: UInt64(sleep * 1e9)) }
    let after = try await client.get("/roles")
    XCTAssertEqual(after.status, 200)
    XCTAssertEqual(after.header("X-Organization-Rate-Limit-Remaining"), "4")
    let names = after.body["roles"]!.arrayValue!.compactMap { $0["name"]?.stringValue }
    XCTAssertFalse(names.contains("Should not exist"))
  }

  func testUnauthenticatedRequestsDoNotSpendTheBudget() async throws {
    let server = try await startSimulator { $0.rateLimit = .init(limit: 1000, window: 3600) }
    defer { Task { await server.stop() } }
    var anonymous = SimClient(server)
    anonymous.token = nil
    let denied = try await anonymous.get("/agents")
    XCTAssertEqual(denied.status, 401)
    XCTAssertEqual(denied.header("X-Organization-Rate-Limit-Remaining"), "1000")
    let ok = try await SimClient(server).get("/agents")
    XCTAssertEqual(ok.header("X-Organization-Rate-Limit-Remaining"), "999")
  }

  func testInstantTestsHaveTheirOwnBudget() async throws {
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
    XCTAssertEqual(statuses, [200, 200, 429])
    XCTAssertEqual(remaining, ["1", "0", "0"])
    let other = try await client.get("/agents")
    XCTAssertEqual(other.status, 200, "the instant budget does not limit other requests")
    XCTAssertNil(other.header("X-Instant-Test-Rate-Limit-Limit"))
  }

  func testRateLimitOffSendsNoHeaders() async throws {
    let server = try await startSimulator { $0.rateLimit = nil }
    defer { Task { await server.stop() } }
    let reply = try await SimClient(server).get("/agents")
    XCTAssertNil(reply.header("X-Organization-Rate-Limit-Limit"))
  }

  func testRateLimiterRollsOverOnWindowBoundaries() {
    let limiter = RateLimiter(limit: 2, window: 60)
    XCTAssertEqual(limiter.acquire(now: 120.5), .init(allowed: true, limit: 2, remaining: 1, reset: 180))
    XCTAssertEqual(limiter.acquire(now: 150), .init(allowed: true, limit: 2, remaining: 0, reset: 180))
    XCTAssertEqual(limiter.acquire(now: 179.9), .init(allowed: false, limit: 2, remaining: 0, reset: 180))
    XCTAssertEqual(limiter.acquire(now: 180), .init(allowed: true, limit: 2, remaining: 1, reset: 240))
  }
}
