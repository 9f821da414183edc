import Foundation
import Testing

@testable import ThousandEyes

@Suite struct ClientTests {
  let token = "tok-UNIQUE-7f3a9c21"

  @Test func sendsHeadersAidAndReturnsRawBody() async throws {
    let double = try await TestDouble.start { _, _ in CannedResponse(body: #"{"users":[{"uid":"1"}]}"#) }
    defer { Task { await double.stop() } }
    let response = try await withClient(try makeClient(double.baseURL, token: token, aid: "77")) { client in
      try await client.send(APIRequest(.get, "/users", query: [("expand", "a b")]))
    }
    #expect(response.status == 200)
    #expect(response.text == #"{"users":[{"uid":"1"}]}"#)
    #expect(response.header("content-type") == "application/json")
    let seen = try #require(double.requests.first)
    #expect(seen.path == "/v7/users")
    #expect(seen.query == "expand=a%20b&aid=77")
    #expect(seen.authorization == "Bearer \(token)")
    #expect(seen.userAgent == "terun/\(ClientConfiguration.terunVersion)")
    #expect(seen.accept == "application/hal+json, application/json")
  }

  @Test func explicitAidWinsAndBodyIsSent() async throws {
    let double = try await TestDouble.start { _, _ in CannedResponse(status: 201, body: #"{"uid":"9"}"#) }
    defer { Task { await double.stop() } }
    _ = try await withClient(try makeClient(double.baseURL, aid: "77")) { client in
      try await client.send(APIRequest(.post, "/users?aid=5", body: Array(#"{"name":"x"}"#.utf8)))
    }
    #expect(double.requests.first?.query == "aid=5")
    #expect(double.requests.first.map { String(decoding: $0.body, as: UTF8.self) } == #"{"name":"x"}"#)
  }

  @Test func problemJSONBecomesAPIErrorWithFieldErrors() async throws {
    let double = try await TestDouble.start { _, _ in
      problem(
        400, "Bad Request", "Validation failed",
        errors: #"[{"code":"INVALID","field":"email","message":"must be an email"}]"#)
    }
    defer { Task { await double.stop() } }
    do {
      _ = try await withClient(try makeClient(double.baseURL, token: token)) { client in
        try await client.send(APIRequest(.post, "/users", body: Array("{}".utf8)))
      }
      Issue.record("expected an error")
    } catch let error as APIError {
      #expect(error.status == 400)
      #expect(error.method == .post)
      #expect(error.path == "/users")
      #expect(error.title == "Bad Request")
      #expect(error.detail == "Validation failed")
      #expect(error.errors == [.init(code: "INVALID", field: "email", message: "must be an email")])
      #expect(
        error.description
          == "POST /users: 400 Bad Request: Validation failed\n  - email: must be an email (INVALID)")
      #expect(!error.description.contains(token))
    }
  }

  @Test func oauthShaped401() async throws {
    let double = try await TestDouble.start { _, _ in
      CannedResponse(
        status: 401, body: #"{"error":"invalid_token","error_description":"Invalid access token"}"#)
    }
    defer { Task { await double.stop() } }
    do {
      _ = try await withClient(try makeClient(double.baseURL, token: token)) { client in
        try await client.send(APIRequest(.get, "/account-groups"))
      }
      Issue.record("expected an error")
    } catch let error as APIError {
      #expect(error.status == 401)
      #expect(error.title == "invalid_token")
      #expect(error.detail == "Invalid access token")
      #expect(error.isAuthorizationFailure)
      #expect(error.description == "GET /account-groups: 401 invalid_token: Invalid access token")
    }
    #expect(double.requests.count == 1, "a 4xx is not retried")
  }

  @Test func malformedErrorBodyStillGivesAClearError() async throws {
    let double = try await TestDouble.start { _, _ in
      CannedResponse(status: 418, headers: [("Content-Type", "text/html")], body: "<html>teapot</html>")
    }
    defer { Task { await double.stop() } }
    do {
      _ = try await withClient(try makeClient(double.baseURL)) { client in
        try await client.send(APIRequest(.get, "/agents/3"))
      }
      Issue.record("expected an error")
    } catch let error as APIError {
      #expect(error.status == 418)
      #expect(
        error.description
          == "GET /agents/3: 418 HTTP 418: unreadable error body (text/html): <html>teapot</html>")
    }
  }

  @Test func idempotent5xxIsRetriedThenSucceeds() async throws {
    let double = try await TestDouble.start { _, index in
      index < 2 ? problem(503, "Service Unavailable", "try later") : CannedResponse(body: "{}")
    }
    defer { Task { await double.stop() } }
    let response = try await withClient(try makeClient(double.baseURL)) { client in
      try await client.send(APIRequest(.put, "/agents/1", body: Array("{}".utf8)))
    }
    #expect(response.status == 200)
    #expect(double.requests.count == 3)
  }

  @Test func idempotent5xxGivesUpAfterMaxAttempts() async throws {
    let double = try await TestDouble.start { _, _ in problem(500, "Internal Server Error", "boom") }
    defer { Task { await double.stop() } }
    do {
      _ = try await withClient(try makeClient(double.baseURL) { $0.retry.maxAttempts = 3 }) { client in
        try await client.send(APIRequest(.get, "/agents"))
      }
      Issue.record("expected an error")
    } catch let error as APIError {
      #expect(error.description == "GET /agents: 500 Internal Server Error: boom")
    }
    #expect(double.requests.count == 3)
  }

  @Test func postIsNeverRetriedAfter5xx() async throws {
    let double = try await TestDouble.start { _, _ in problem(502, "Bad Gateway", "upstream") }
    defer { Task { await double.stop() } }
    do {
      _ = try await withClient(try makeClient(double.baseURL)) { client in
        try await client.send(APIRequest(.post, "/users", body: Array("{}".utf8)))
      }
      Issue.record("expected an error")
    } catch let error as APIError {
      #expect(error.status == 502)
    }
    #expect(double.requests.count == 1)
  }

  @Test func droppedConnectionRetriesGetButNotPost() async throws {
    let double = try await TestDouble.start { request, _ in
      CannedResponse(body: #"{"partial":"#, dropsMidBody: true)
    }
    defer { Task { await double.stop() } }
    let client = try makeClient(double.baseURL) { $0.retry.maxAttempts = 2 }
    try await withClient(client) { client in
      do {
        _ = try await client.send(APIRequest(.post, "/users", body: Array("{}".utf8)))
        Issue.record("expected an error")
      } catch let error as TransportError {
        #expect(error.kind == .connectionLost)
        #expect(error.attempts == 1)
        #expect(error.url == double.baseURL.absoluteString + "/v7/users")
        #expect(
          error.description.hasPrefix(
            "POST \(double.baseURL.absoluteString)/v7/users: connection lost (1 attempt in "),
          "\(error.description)")
      }
      #expect(double.requests.filter { $0.method == "POST" }.count == 1)
      do {
        _ = try await client.send(APIRequest(.get, "/users"))
        Issue.record("expected an error")
      } catch let error as TransportError {
        #expect(error.kind == .connectionLost)
        #expect(error.attempts == 2)
        #expect(
          error.description.hasPrefix(
            "GET \(double.baseURL.absoluteString)/v7/users: connection lost (2 attempts in "),
          "\(error.description)")
        #expect(error.description.hasSuffix(" s)"), "\(error.description)")
      }
      #expect(double.requests.filter { $0.method == "GET" }.count == 2)
    }
  }

  @Test func connectionRefusedIsRetriedEvenForPost() async throws {
    let double = try await TestDouble.start { _, _ in CannedResponse() }
    let closed = double.baseURL
    await double.stop()
    let client = try makeClient(closed, token: token) { $0.retry.maxAttempts = 3 }
    try await withClient(client) { client in
      do {
        _ = try await client.send(APIRequest(.post, "/users", body: Array("{}".utf8)))
        Issue.record("expected an error")
      } catch let error as TransportError {
        #expect(error.kind == .connectionRefused)
        #expect(error.attempts == 3)
        #expect(!error.isTimeout)
        #expect(!error.description.contains(token))
        // One sentence: method, URL without query, cause, attempts over how long.
        let pattern = #"^POST http://[^ ?]+/v7/users: connection refused \(3 attempts in [0-9]+\.[0-9] s\)$"#
        #expect(
          error.description.range(of: pattern, options: .regularExpression) != nil, "\(error.description)")
      }
    }
  }

  @Test func aBodyOverTheLimitIsResponseTooLarge() async throws {
    let big = #"{"agents":[""# + String(repeating: "x", count: 5000) + #""]}"#
    let double = try await TestDouble.start { _, _ in CannedResponse(body: big) }
    defer { Task { await double.stop() } }
    let client = try makeClient(double.baseURL) {
      $0.maxResponseBytes = 4096
      $0.retry.maxAttempts = 1
    }
    try await withClient(client) { client in
      do {
        _ = try await client.send(APIRequest(.get, "/agents"))
        Issue.record("expected an error")
      } catch let error as TransportError {
        #expect(error.kind == .responseTooLarge)
        #expect(
          error.description.hasPrefix(
            "GET \(double.baseURL.absoluteString)/v7/agents: response too large (1 attempt in "),
          "\(error.description)")
      }
      // At the limit exactly, the body arrives whole.
      let exact = try makeClient(double.baseURL) { $0.maxResponseBytes = big.utf8.count }
      try await withClient(exact) { exact in
        let response = try await exact.send(APIRequest(.get, "/agents"))
        #expect(response.body.count == big.utf8.count)
      }
    }
  }

  @Test func readTimeoutIsItsOwnKind() async throws {
    let double = try await TestDouble.start { _, _ in CannedResponse(delay: .seconds(3)) }
    defer { Task { await double.stop() } }
    let client = try makeClient(double.baseURL) {
      $0.readTimeout = .milliseconds(300)
      $0.retry.maxAttempts = 1
    }
    try await withClient(client) { client in
      do {
        _ = try await client.send(APIRequest(.get, "/agents"))
        Issue.record("expected an error")
      } catch let error as TransportError {
        #expect(error.kind == .readTimeout)
        #expect(error.isTimeout)
        #expect(
          error.description.hasPrefix(
            "GET \(double.baseURL.absoluteString)/v7/agents: read timeout (1 attempt in "),
          "\(error.description)")
      }
    }
  }

  @Test func status429WaitsForResetThenRetriesEvenAPost() async throws {
    let double = try await TestDouble.start { _, index in
      if index == 0 {
        let reset = Int(Date().timeIntervalSince1970) + 1
        var answer = problem(429, "Too Many Requests", "Rate limit exceeded")
        answer.headers += [
          ("X-Organization-Rate-Limit-Limit", "240"), ("X-Organization-Rate-Limit-Remaining", "0"),
          ("X-Organization-Rate-Limit-Reset", "\(reset)"),
        ]
        return answer
      }
      return CannedResponse(status: 201, body: #"{"uid":"1"}"#)
    }
    defer { Task { await double.stop() } }
    let started = Date()
    let response = try await withClient(try makeClient(double.baseURL)) { client in
      try await client.send(APIRequest(.post, "/users", body: Array("{}".utf8)))
    }
    #expect(response.status == 201)
    #expect(double.requests.count == 2)
    #expect(Date().timeIntervalSince(started) > 0.1, "waited for the reset")
  }

  @Test func status429HonoursRetryAfterAndGivesUpWhenTooLong() async throws {
    let double = try await TestDouble.start { _, _ in
      var answer = problem(429, "Too Many Requests", "slow down")
      answer.headers.append(("Retry-After", "3600"))
      return answer
    }
    defer { Task { await double.stop() } }
    do {
      _ = try await withClient(try makeClient(double.baseURL) { $0.retry.maxWait = .seconds(30) }) { client in
        try await client.send(APIRequest(.get, "/agents"))
      }
      Issue.record("expected an error")
    } catch let error as WaitTooLongError {
      #expect(
        error.description
          == "GET /agents: rate limited; the reset is 3600 s away, more than the allowed wait of 30 s")
    }
  }

  @Test func instantTestBudgetIsSeparateFromTheOrganizations() async throws {
    let double = try await TestDouble.start { request, _ in
      if request.path == "/v7/tests/7/run", request.method == "POST" {
        let first = !RunOnce.shared.hasRun()
        if first {
          var answer = problem(429, "Too Many Requests", "instant test budget spent")
          answer.headers += [
            ("X-Instant-Test-Rate-Limit-Limit", "24"), ("X-Instant-Test-Rate-Limit-Remaining", "0"),
            ("X-Instant-Test-Rate-Limit-Reset", "\(Int(Date().timeIntervalSince1970) + 2)"),
            ("X-Organization-Rate-Limit-Limit", "240"), ("X-Organization-Rate-Limit-Remaining", "200"),
            ("X-Organization-Rate-Limit-Reset", "\(Int(Date().timeIntervalSince1970) + 60)"),
          ]
          return answer
        }
        return CannedResponse(status: 201, body: "{}")
      }
      return CannedResponse(body: "{}")
    }
    defer { Task { await double.stop() } }
    try await withClient(try makeClient(double.baseURL)) { client in
      let started = Date()
      async let run = client.send(APIRequest(.post, "/tests/7/run"))
      try await Task.sleep(for: .milliseconds(300))
      _ = try await client.send(APIRequest(.get, "/agents"))
      let agentsDone = Date().timeIntervalSince(started)
      let response = try await run
      #expect(response.status == 201)
      #expect(agentsDone < 1.0, "other requests do not wait for the instant-test budget")
      #expect(Date().timeIntervalSince(started) > 1.0, "the instant test waited for its reset")
    }
    #expect(double.requests.filter { $0.method == "POST" }.count == 2)
  }

  @Test func pacingAvoids429sWithinAWindow() async throws {
    // A strict server: 5 requests per 2-second window, 429 beyond.
    let limiter = WindowCounter(limit: 5, window: 2)
    let double = try await TestDouble.start { _, _ in
      let (allowed, remaining, reset) = limiter.take()
      var answer = allowed ? CannedResponse(body: "{}") : problem(429, "Too Many Requests", "limit")
      answer.headers += [
        ("X-Organization-Rate-Limit-Limit", "5"), ("X-Organization-Rate-Limit-Remaining", "\(remaining)"),
        ("X-Organization-Rate-Limit-Reset", "\(reset)"),
      ]
      return answer
    }
    defer { Task { await double.stop() } }
    try await withClient(try makeClient(double.baseURL)) { client in
      for _ in 0..<12 {
        _ = try await client.send(APIRequest(.get, "/agents"))
      }
    }
    #expect(limiter.rejected == 0, "paced requests never hit the limit")
    #expect(double.requests.count == 12)
  }

  @Test func auditFileHasOneLinePerAttemptAndNoToken() async throws {
    let audit = temporaryPath("audit.jsonl")
    let double = try await TestDouble.start { _, index in
      index == 0 ? problem(503, "Service Unavailable", "x") : CannedResponse(body: #"{"a":1}"#)
    }
    defer { Task { await double.stop() } }
    _ = try await withClient(try makeClient(double.baseURL, token: token, aid: "3", audit: audit)) { client in
      try await client.send(APIRequest(.get, "/agents", query: [("agentTypes", "cloud")]))
    }
    let text = try String(contentsOfFile: audit, encoding: .utf8)
    #expect(!text.contains(token))
    let lines = text.split(separator: "\n")
    #expect(lines.count == 2)
    let first = try #require(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
    let second = try #require(JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
    #expect(first["method"] as? String == "GET")
    #expect(first["path"] as? String == "/agents")
    #expect(first["query"] as? String == "agentTypes=cloud&aid=3")
    #expect(first["status"] as? Int == 503)
    #expect(first["attempt"] as? Int == 1)
    #expect(second["status"] as? Int == 200)
    #expect(second["attempt"] as? Int == 2)
    #expect(second["bytes"] as? Int == 7)
    #expect(second["duration_ms"] as? Double != nil)
    let time = try #require(second["time"] as? String)
    #expect(
      ISO8601DateFormatter().date(
        from: time.replacingOccurrences(of: #"\.\d+"#, with: "", options: .regularExpression)) != nil)
  }
}

/// Answers `false` once, then `true`.
final class RunOnce: @unchecked Sendable {
  static let shared = RunOnce()
  private let lock = NSLock()
  private var done = false

  func hasRun() -> Bool {
    lock.lock()
    defer { lock.unlock() }
    let was = done
    done = true
    return was
  }
}

/// A fixed-window request counter for a strict test server.
final class WindowCounter: @unchecked Sendable {
  private let lock = NSLock()
  private let limit: Int
  private let window: Int
  private var windowStart = 0
  private var used = 0
  private(set) var rejected = 0

  init(limit: Int, window: Int) {
    self.limit = limit
    self.window = window
  }

  func take() -> (allowed: Bool, remaining: Int, reset: Int) {
    lock.lock()
    defer { lock.unlock() }
    let now = Int(Date().timeIntervalSince1970)
    let start = now - now % window
    if start != windowStart {
      windowStart = start
      used = 0
    }
    let reset = start + window
    guard used < limit else {
      rejected += 1
      return (false, 0, reset)
    }
    used += 1
    return (true, limit - used, reset)
  }
}
