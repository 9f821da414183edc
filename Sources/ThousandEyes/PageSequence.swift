import Foundation

/// One page of a paginated collection: the raw response and what a light scan found.
public struct Page: Sendable {
  /// 1-based page number.
  public let number: Int
  /// The response; its `body` is the undecoded page.
  public let response: APIResponse
  /// The number of items in the page's collection array, when the key is known and the
  /// client shows progress (the only use of the count; without it the scan skips the items).
  public let itemCount: Int?
  /// The raw body bytes.
  public var body: [UInt8] { response.body }
}

extension ThousandEyesClient {
  /// The pages of a paginated collection, fetched one ahead of the consumer.
  ///
  /// Next links are followed as follows (docs/architecture.md, rule 4):
  /// - a `_links.next.href` on the configured origin (scheme, host and port) is followed
  ///   whole (its path under `/v7` and its query);
  /// - on any other origin, only its `cursor` query value is taken and applied to the original
  ///   request on the configured origin; the other host is never contacted, so never sees the
  ///   token. Without a cursor the sequence ends with ``PaginationError/offOriginWithoutCursor(path:origin:)``;
  /// - a cursor (or next URL) seen before ends the sequence, so a server that loops cannot
  ///   make a run loop forever.
  ///
  /// - Parameters:
  ///   - request: the first page's request, usually a GET.
  ///   - collectionKey: the items' property (`tests`, `agents`, ...), to count items for progress.
  public func pages(_ request: APIRequest, collectionKey: String? = nil) -> PageSequence {
    PageSequence(client: self, first: request, collectionKey: collectionKey)
  }

  /// The request for the page after `page`, or `nil` at the end.
  func nextRequest(after current: APIRequest, first: APIRequest, href: String, seen: inout Set<String>) throws
    -> APIRequest?
  {
    guard let components = URLComponents(string: href) else {
      throw PaginationError.invalidNextLink(path: first.path, href: href)
    }
    let cursor = components.percentEncodedQuery.flatMap { query in
      QueryString.parse(query).first { $0.name == "cursor" }?.value
    }
    let next: APIRequest
    let sameOrigin: Bool
    if components.host == nil {
      sameOrigin = true  // relative link: on the configured origin by definition
    } else if let url = components.url, let origin = Origin(url) {
      sameOrigin = origin == configuration.origin
    } else {
      throw PaginationError.invalidNextLink(path: first.path, href: href)
    }
    if sameOrigin, let path = relativePath(components.percentEncodedPath) {
      let query = components.percentEncodedQuery.map(QueryString.parse) ?? []
      var request = APIRequest(
        current.method, QueryString.unescape(Substring(path)), query: query, body: current.body)
      request.maxResponseBytes = current.maxResponseBytes
      next = request
    } else if let cursor {
      next = first.settingQuery("cursor", to: cursor)
    } else if sameOrigin {
      throw PaginationError.invalidNextLink(path: first.path, href: href)
    } else {
      let origin = components.url.flatMap(Origin.init)?.description ?? "unknown"
      throw PaginationError.offOriginWithoutCursor(path: first.path, origin: origin)
    }
    let identity = cursor ?? (next.path + "?" + next.encodedQuery)
    if seen.contains(identity) { return nil }
    seen.insert(identity)
    return next
  }

  /// `/v7/tests` → `/tests` (under the base URL's own path prefix, if any).
  private func relativePath(_ path: String) -> String? {
    var prefix = configuration.baseURL.path
    while prefix.hasSuffix("/") { prefix.removeLast() }
    prefix += "/v7"
    guard path.hasPrefix(prefix + "/") else { return nil }
    return String(path.dropFirst(prefix.count))
  }
}

/// An `AsyncSequence` of the raw pages of a collection, one page prefetched.
public struct PageSequence: AsyncSequence, Sendable {
  public typealias Element = Page

  let client: ThousandEyesClient
  let first: APIRequest
  let collectionKey: String?

  public func makeAsyncIterator() -> Iterator {
    Iterator(client: client, first: first, collectionKey: collectionKey)
  }

  /// Fetches pages; while the consumer works on page N, page N+1 is already on its way.
  public final class Iterator: AsyncIteratorProtocol {
    private let client: ThousandEyesClient
    private let first: APIRequest
    private let collectionKey: String?
    private var pending: Task<APIResponse, Error>?
    private var pendingRequest: APIRequest?
    private var started = false
    private var finished = false
    private var number = 0
    private var items = 0
    private var seen: Set<String> = []

    init(client: ThousandEyesClient, first: APIRequest, collectionKey: String?) {
      self.client = client
      self.first = first
      self.collectionKey = collectionKey
    }

    deinit {
      pending?.cancel()
    }

    public func next() async throws -> Page? {
      if finished { return nil }
      if !started {
        started = true
        start(first)
        if let cursor = first.queryValue("cursor") { seen.insert(cursor) }
      }
      guard let task = pending, let request = pendingRequest else {
        finish()
        return nil
      }
      pending = nil
      pendingRequest = nil
      let response: APIResponse
      do {
        response = try await task.value
      } catch {
        finish()
        throw error
      }
      number += 1
      let scan: PageScanner.Result
      do {
        // Items are counted only for the progress line.
        scan = try PageScanner.scan(
          response.body, collectionKey: collectionKey, countingItems: client.progress.isEnabled)
      } catch {
        finish()
        throw APIError(
          method: request.method, path: request.path, status: response.status, title: "Malformed page",
          detail: "\(error)")
      }
      items += scan.itemCount ?? 0
      client.progress.pages(path: first.path, pages: number, items: collectionKey == nil ? nil : items)
      if let href = scan.nextHref {
        do {
          if let next = try client.nextRequest(after: request, first: first, href: href, seen: &seen) {
            start(next)  // prefetch while the consumer works on this page
          }
        } catch {
          finish()
          throw error
        }
      }
      return Page(number: number, response: response, itemCount: scan.itemCount)
    }

    private func start(_ request: APIRequest) {
      let client = self.client
      pendingRequest = request
      pending = Task { try await client.send(request) }
    }

    private func finish() {
      finished = true
      pending?.cancel()
      pending = nil
      client.progress.finish()
    }
  }
}
