import Foundation
import Simulator
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

@Suite("bulk_create_users at scale against a rate-limited simulator")
struct RunbookBulkUsersTests {
  static let rows = 1000
  /// Rows 50, 150, ..., 950 are bad: five bad emails, five unknown roles.
  static let badRows = Set(stride(from: 50, through: 950, by: 100))

  static func csv() -> String {
    var text = "name,email,account_group,roles\n"
    for i in 1...rows {
      let group = i % 2 == 0 ? "Main Account Group" : "5678"
      if badRows.contains(i) {
        text +=
          i % 200 == 50
          ? "Bad \(i),bad-\(i)-at-example.com,\(group),Regular User\n"
          : "Bad \(i),bad\(i)@example.com,\(group),Wizard\n"
      } else {
        let roles = i % 3 == 0 ? "Regular User;Account Admin" : "Regular User"
        text += "User \(i),user.\(i)@example.com,\(group),\(roles)\n"
      }
    }
    return text
  }

  /// The line numbers `line N: ...` reports name.
  static func reportedLines(_ stdout: String) -> [Int] {
    stdout.split(separator: "\n").compactMap { line -> Int? in
      guard line.hasPrefix("line ") else { return nil }
      return Int(line.dropFirst(5).prefix { $0.isNumber })
    }
  }

  /// Runs terun off the cooperative thread pool (the simulator's tasks need it).
  static func runTerun(_ arguments: [String], in folder: URL, environment: [String: String]) async throws
    -> TerunProcess.Result
  {
    try await withCheckedThrowingContinuation { continuation in
      Thread {
        continuation.resume(
          with: Result { try TerunProcess.run(arguments, in: folder, environment: environment) })
      }.start()
    }
  }

  /// Emails of every user in the simulator, read through its HTTP API (all pages, both groups).
  static func emails(_ server: SimulatorServer) async throws -> [String] {
    var emails: [String] = []
    for aid in ["1234", "5678"] {
      var next: String? = "\(server.baseURL)/v7/users?aid=\(aid)"
      while let url = next.flatMap(URL.init(string:)) {
        var request = URLRequest(url: url)
        request.setValue("Bearer \(server.token)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        if (response as? HTTPURLResponse)?.statusCode == 429 {
          try await Task.sleep(for: .seconds(2))
          continue
        }
        let page = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        for user in page["users"] as? [[String: Any]] ?? [] {
          if let email = user["email"] as? String { emails.append(email) }
        }
        next = ((page["_links"] as? [String: Any])?["next"] as? [String: Any])?["href"] as? String
      }
    }
    return emails
  }

  @Test(.timeLimit(.minutes(5)))
  func createsNineHundredNinetyUsersNearTheRateLimitAndReRunsWithoutDuplicates() async throws {
    var options = SimulatorOptions()
    options.rateLimit = .init(limit: 100, window: 10)
    let server = try await SimulatorServer.start(options)
    defer { Task { await server.stop() } }
    let folder = try ScratchFolder()
    try folder.write("users.csv", Self.csv())
    let environment = ["TE_BASE_URL": server.baseURL, "TE_TOKEN": server.token]
    let usersBefore = Set(try await Self.emails(server).map { $0.lowercased() })

    let started = Date()
    let first = try await Self.runTerun(
      ["bulk_create_users", "csv=users.csv"], in: folder.url, environment: environment)
    let elapsed = Date().timeIntervalSince(started)
    print("bulk_create_users: 1000 rows, \(String(format: "%.1f", elapsed)) s at 100 requests per 10 s")
    // The 10 bad rows fail the run (exit 1) after the summary; the good ones are created.
    #expect(first.status == 1, "\(first.stderr.suffix(2000))")
    #expect(first.stderr.hasSuffix("terun: 10 items failed (see the lines above); fix them and run again\n"))
    #expect(
      first.stdout.contains("Created 990, updated 0, skipped 0, failed 10 (1000 row(s)"),
      "\(first.stdout.suffix(500))")
    let expectedLines = Self.badRows.map { $0 + 1 }.sorted()
    #expect(Self.reportedLines(first.stdout).sorted() == expectedLines)
    #expect(
      first.stdout.contains(
        "line 51: bad-50-at-example.com: email 'bad-50-at-example.com' is not an email address"))
    #expect(first.stdout.contains("line 151: bad150@example.com: role 'Wizard' is unknown"))

    // 990 creates and 4 reads (account groups, roles, users of both groups) at 100 per 10 s.
    // The windows are fixed and aligned to the epoch, so the run crosses at least
    // ceil(994 / 100) - 1 = 9 rollovers: more than 8 whole windows, however it is aligned.
    let requests = 994.0
    let minimum = requests / 100 * 10
    #expect(
      elapsed >= (requests / 100).rounded(.up) * 10 - 20, "elapsed \(elapsed) s, minimum about \(minimum) s")
    #expect(elapsed <= minimum * 1.6, "elapsed \(elapsed) s, minimum about \(minimum) s")

    let usersAfter = try await Self.emails(server).map { $0.lowercased() }
    let created = Set(usersAfter).subtracting(usersBefore)
    #expect(created.count == 990)
    #expect(
      created == Set((1...Self.rows).filter { !Self.badRows.contains($0) }.map { "user.\($0)@example.com" }))

    let second = try await Self.runTerun(
      ["bulk_create_users", "csv=users.csv"], in: folder.url, environment: environment)
    #expect(second.status == 1, "\(second.stderr.suffix(2000))")
    #expect(second.stderr.hasSuffix("terun: 10 items failed (see the lines above); fix them and run again\n"))
    #expect(
      second.stdout.contains("Created 0, updated 0, skipped 990, failed 10"), "\(second.stdout.suffix(500))")
    let usersFinally = try await Self.emails(server).map { $0.lowercased() }
    #expect(usersFinally.count == usersAfter.count, "no duplicates")
    #expect(Set(usersFinally).count == Set(usersAfter).count)
  }
}
