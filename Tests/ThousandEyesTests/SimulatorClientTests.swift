import Foundation
import Simulator
import Testing

@testable import ThousandEyes

/// The client against the real simulator over HTTP.
@Suite struct SimulatorClientTests {
  let token = "tok-UNIQUE-sim-88c1f0e2"

  private func withSimulator<T>(
    _ configure: (inout SimulatorOptions) -> Void, audit: String? = nil,
    client clientConfigure: (inout ClientConfiguration) -> Void = { _ in },
    _ body: (ThousandEyesClient, SimulatorServer) async throws -> T
  ) async throws -> T {
    var options = SimulatorOptions()
    options.token = token
    configure(&options)
    let sim = try await SimulatorServer.start(options)
    do {
      let client = try makeClient(
        URL(string: sim.baseURL)!, token: token, audit: audit, configure: clientConfigure)
      let result = try await withClient(client) { try await body($0, sim) }
      await sim.stop()
      return result
    } catch {
      await sim.stop()
      throw error
    }
  }

  private func json(_ response: APIResponse) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
  }

  @Test func paginatesResultsOverManyPages() async throws {
    let audit = temporaryPath("sim-pages.jsonl")
    let pages = try await withSimulator(
      {
        $0.pageSize = 4
        $0.rateLimit = nil
      }, audit: audit
    ) { client, _ in
      var pages: [Page] = []
      for try await page in client.pages(
        APIRequest(.get, "/test-results/123456/network", query: [("window", "2d")]), collectionKey: "results")
      {
        pages.append(page)
      }
      return pages
    }
    let counts = try pages.map { try (json($0.response)["results"] as? [Any])?.count ?? -1 }
    #expect(pages.count > 5)
    #expect(counts.dropLast().allSatisfy { $0 == 4 }, "\(counts)")
    #expect((1...4).contains(counts.last ?? 0))
    // Every page decodes, and the items are all distinct.
    var seen = Set<String>()
    for page in pages {
      let object = try json(page.response)
      for item in try #require(object["results"] as? [[String: Any]]) {
        let key = "\(item["agent"].map { "\($0)" } ?? "")|\(item["roundId"] ?? "")"
        #expect(seen.insert(key).inserted, "duplicate item \(key)")
      }
    }
    #expect(try !String(contentsOfFile: audit, encoding: .utf8).contains(token))
  }

  @Test func rateLimitStormCompletesPacedWithoutErrors() async throws {
    let audit = temporaryPath("sim-storm.jsonl")
    let window = 5.0
    let started = Date().timeIntervalSince1970
    try await withSimulator(
      { $0.rateLimit = SimulatorOptions.RateLimit(limit: 20, window: window) }, audit: audit
    ) {
      client, _ in
      for _ in 0..<100 {
        let response = try await client.send(APIRequest(.get, "/agents"))
        #expect(response.status == 200)
      }
    }
    let elapsed = Date().timeIntervalSince1970 - started
    // 100 requests need 5 windows; windows are aligned to the epoch, so the minimum is the
    // time from the start to the beginning of the fifth window.
    let firstWindowEnd = (started / window).rounded(.down) * window + window
    let minimum = firstWindowEnd + 3 * window - started
    #expect(elapsed >= minimum - 0.5)
    #expect(elapsed <= 1.5 * minimum + 1)
    let lines = try String(contentsOfFile: audit, encoding: .utf8).split(separator: "\n")
    let rejected = lines.filter { $0.contains(#""status":429"#) }.count
    #expect(rejected <= 3, "pacing keeps 429s rare")
    #expect(lines.count - rejected == 100)
    print("rate-limit storm: 100 GETs at 20/5s in \(elapsed) s (minimum \(minimum) s), \(rejected) 429s")
  }

  @Test func faultsDoNotChangeGetResultsAndNeverDuplicatePosts() async throws {
    let paths = ["/agents", "/tests", "/users", "/account-groups", "/roles", "/tests/agent-to-server/123456"]
    func fetchAll(_ client: ThousandEyesClient, _ sim: SimulatorServer) async throws -> [String] {
      var bodies: [String] = []
      for path in paths {
        let text = try await client.send(APIRequest(.get, path)).text
        bodies.append(text.replacingOccurrences(of: sim.baseURL, with: "ORIGIN"))
      }
      return bodies
    }
    let clean = try await withSimulator({ $0.rateLimit = nil }) { client, sim in
      try await fetchAll(client, sim)
    }
    let audit = temporaryPath("sim-faults.jsonl")
    let (faulty, created, successes) = try await withSimulator(
      {
        $0.rateLimit = nil
        $0.errorRate = 0.2
        $0.dropRate = 0.05
      }, audit: audit, client: { $0.retry.maxAttempts = 10 }
    ) { client, sim in
      let faulty = try await fetchAll(client, sim)
      let groups = try json(try await client.send(APIRequest(.get, "/account-groups")))
      let aid = try #require((groups["accountGroups"] as? [[String: Any]])?.first?["aid"] as? String)
      let roles = try json(try await client.send(APIRequest(.get, "/roles")))
      let roleId = try #require((roles["roles"] as? [[String: Any]])?.first?["roleId"] as? String)
      var successes = 0
      for n in 0..<40 {
        let body =
          #"{"name":"U\#(n)","email":"u\#(n)@example.com","accountGroupRoles":[{"accountGroupId":"\#(aid)","roleIds":["\#(roleId)"]}]}"#
        do {
          _ = try await client.send(APIRequest(.post, "/users", body: Array(body.utf8)))
          successes += 1
        } catch let error as APIError {
          #expect([500, 502, 503].contains(error.status), "\(error)")
        } catch let error as TransportError {
          #expect(error.kind == .connectionLost, "\(error)")
        }
      }
      let users = try json(try await client.send(APIRequest(.get, "/users")))
      let emails = (users["users"] as? [[String: Any]] ?? []).compactMap { $0["email"] as? String }
        .filter { $0.hasSuffix("@example.com") && $0.hasPrefix("u") }
      return (faulty, emails, successes)
    }
    #expect(faulty == clean, "GETs give the same result with faults")
    #expect(Set(created).count == created.count, "no user created twice")
    #expect(created.count >= successes)
    #expect(successes < 40, "faults did happen")
    let auditText = try String(contentsOfFile: audit, encoding: .utf8)
    #expect(!auditText.contains(token))
    // Every POST was sent at most once per email.
    #expect(auditText.split(separator: "\n").filter { $0.contains(#""method":"POST""#) }.count == 40)
  }

  @Test func unauthorizedTokenGivesOAuthError() async throws {
    var options = SimulatorOptions()
    options.token = token
    let sim = try await SimulatorServer.start(options)
    let client = try makeClient(URL(string: sim.baseURL)!, token: "wrong-token-value")
    do {
      _ = try await withClient(client) { try await $0.send(APIRequest(.get, "/users")) }
      Issue.record("expected an error")
    } catch let error as APIError {
      #expect(error.status == 401)
      #expect(error.isAuthorizationFailure)
      #expect(!error.description.contains("wrong-token-value"))
    }
    await sim.stop()
  }
}
