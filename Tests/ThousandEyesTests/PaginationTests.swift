import Foundation
import Testing

@testable import ThousandEyes

@Suite struct PaginationTests {
  let token = "tok-UNIQUE-pages-5521"

  /// A collection of `pageCount` pages of 2 items; `link` builds the next href for a cursor.
  private func pagedDouble(pageCount: Int, link: @escaping @Sendable (String) -> String) async throws
    -> TestDouble
  {
    try await TestDouble.start { request, _ in
      let cursor = QueryString.parse(request.query).first { $0.name == "cursor" }?.value
      let page = cursor.flatMap { Int($0.dropFirst(1)) } ?? 1
      var body =
        #"{"tests":[{"testId":"\#(page * 10 + 1)"},{"testId":"\#(page * 10 + 2)"}],"_links":{"self":{"href":"x"}"#
      if page < pageCount {
        body += #","next":{"href":"\#(link("p\(page + 1)"))"}"#
      }
      body += "}}"
      return CannedResponse(headers: [("Content-Type", "application/hal+json")], body: body)
    }
  }

  private func collect(_ sequence: PageSequence) async throws -> [Page] {
    var pages: [Page] = []
    for try await page in sequence { pages.append(page) }
    return pages
  }

  @Test func countsItemsWhenProgressIsShown() async throws {
    let double = try await pagedDouble(pageCount: 3) { cursor in "/v7/tests?cursor=\(cursor)" }
    defer { Task { await double.stop() } }
    let client = try makeClient(double.baseURL, token: token) { $0.showsProgress = true }
    let pages = try await withClient(client) { client in
      try await collect(client.pages(APIRequest(.get, "/tests"), collectionKey: "tests"))
    }
    #expect(pages.map(\.itemCount) == [2, 2, 2])
    #expect(double.requests.map(\.query) == ["", "cursor=p2", "cursor=p3"])
  }

  @Test func followsSameOriginAbsoluteLinksWhole() async throws {
    let port = PortBox()
    let double = try await pagedDouble(pageCount: 4) { cursor in
      "http://127.0.0.1:\(port.value)/v7/tests?aid=5&cursor=\(cursor)"
    }
    port.value = double.port
    defer { Task { await double.stop() } }
    let pages = try await withClient(try makeClient(double.baseURL, token: token)) { client in
      try await collect(
        client.pages(APIRequest(.get, "/tests", query: [("aid", "5")]), collectionKey: "tests"))
    }
    #expect(pages.map(\.number) == [1, 2, 3, 4])
    #expect(pages.map(\.itemCount) == [nil, nil, nil, nil], "items are counted only for progress")
    #expect(String(decoding: pages[3].body, as: UTF8.self).contains(#""testId":"41""#))
    #expect(
      double.requests.map(\.query) == ["aid=5", "aid=5&cursor=p2", "aid=5&cursor=p3", "aid=5&cursor=p4"])
    #expect(double.requests.allSatisfy { $0.authorization == "Bearer \(token)" })
  }

  @Test func followsRelativeLinks() async throws {
    let double = try await pagedDouble(pageCount: 3) { "/v7/tests?cursor=\($0)" }
    defer { Task { await double.stop() } }
    let pages = try await withClient(try makeClient(double.baseURL)) { client in
      try await collect(client.pages(APIRequest(.get, "/tests")))
    }
    #expect(pages.count == 3)
    #expect(double.requests.map(\.path) == ["/v7/tests", "/v7/tests", "/v7/tests"])
  }

  @Test func offOriginNextLinkNeverReceivesTheToken() async throws {
    let other = try await TestDouble.start { _, _ in CannedResponse(body: #"{"tests":[]}"#) }
    defer { Task { await other.stop() } }
    let otherPort = other.port
    let double = try await pagedDouble(pageCount: 3) { "http://127.0.0.1:\(otherPort)/v7/tests?cursor=\($0)" }
    defer { Task { await double.stop() } }
    let pages = try await withClient(try makeClient(double.baseURL, token: token)) { client in
      try await collect(client.pages(APIRequest(.get, "/tests"), collectionKey: "tests"))
    }
    // Only the cursor was taken, and applied to the configured origin.
    #expect(pages.count == 3)
    #expect(double.requests.map(\.query) == ["", "cursor=p2", "cursor=p3"])
    #expect(other.requests.allSatisfy { $0.authorization == nil })
    #expect(other.requests.count == 0, "the other origin is never contacted")
  }

  @Test func offOriginLinkWithoutCursorStopsWithAnError() async throws {
    let double = try await TestDouble.start { _, _ in
      CannedResponse(body: #"{"tests":[],"_links":{"next":{"href":"https://evil.example/v7/tests?page=2"}}}"#)
    }
    defer { Task { await double.stop() } }
    do {
      _ = try await withClient(try makeClient(double.baseURL)) { client in
        try await collect(client.pages(APIRequest(.get, "/tests")))
      }
      Issue.record("expected an error")
    } catch let error as PaginationError {
      #expect(
        error.description
          == "GET /tests: the next page link points to another origin (https://evil.example:443) and has no cursor; "
          + "stopped rather than send the token there")
    }
    #expect(double.requests.count == 1)
  }

  @Test func repeatedCursorStops() async throws {
    let double = try await TestDouble.start { _, _ in
      CannedResponse(body: #"{"tests":[1],"_links":{"next":{"href":"/v7/tests?cursor=same"}}}"#)
    }
    defer { Task { await double.stop() } }
    let pages = try await withClient(try makeClient(double.baseURL)) { client in
      try await collect(client.pages(APIRequest(.get, "/tests")))
    }
    #expect(pages.count == 2)
    #expect(double.requests.count == 2)
  }

  @Test func malformedPageIsAnError() async throws {
    let double = try await TestDouble.start { _, _ in CannedResponse(body: #"{"tests":[1,2"#) }
    defer { Task { await double.stop() } }
    do {
      _ = try await withClient(try makeClient(double.baseURL)) { client in
        try await collect(client.pages(APIRequest(.get, "/tests")))
      }
      Issue.record("expected an error")
    } catch let error as APIError {
      #expect(error.description == "GET /tests: 200 Malformed page: malformed JSON page body at byte 13")
    }
  }

  @Test func prefetchesTheNextPageWhileTheConsumerWorks() async throws {
    let double = try await pagedDouble(pageCount: 3) { "/v7/tests?cursor=\($0)" }
    defer { Task { await double.stop() } }
    try await withClient(try makeClient(double.baseURL)) { client in
      let iterator = client.pages(APIRequest(.get, "/tests")).makeAsyncIterator()
      let first = try await iterator.next()
      #expect(first?.number == 1)
      // Without asking for page 2, the server sees its request.
      var waited = 0
      while double.requests.count < 2, waited < 200 {
        try await Task.sleep(for: .milliseconds(10))
        waited += 1
      }
      #expect(double.requests.count == 2)
      #expect(double.requests.last?.query == "cursor=p2")
      // But no further than one page ahead.
      try await Task.sleep(for: .milliseconds(200))
      #expect(double.requests.count == 2)
      _ = try await iterator.next()
      _ = try await iterator.next()
      let end = try await iterator.next()
      #expect(end == nil)
    }
  }
}

final class PortBox: @unchecked Sendable {
  var value = 0
}
