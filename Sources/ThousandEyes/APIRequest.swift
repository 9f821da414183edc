/// One request to the ThousandEyes API v7.
public struct APIRequest: Sendable, Equatable {
  /// The HTTP method.
  public var method: HTTPMethodName
  /// The path relative to `/v7`, e.g. `/tests/agent-to-server/123`. No query string.
  public var path: String
  /// Query parameters in order; a name may repeat (`agentTypes=a&agentTypes=b`).
  public var query: [(name: String, value: String)]
  /// The JSON body, as bytes.
  public var body: [UInt8]?
  /// The largest response body accepted for this request (and the next pages of a sequence),
  /// below the configuration's: e.g. the memory a run has left. `nil`: the configuration's.
  public var maxResponseBytes: Int?

  /// Creates a request; a `?query` in `path` is split off into `query`.
  public init(
    _ method: HTTPMethodName, _ path: String, query: [(name: String, value: String)] = [],
    body: [UInt8]? = nil
  ) {
    self.method = method
    var query = query
    var path = path
    if let mark = path.firstIndex(of: "?") {
      query = QueryString.parse(String(path[path.index(after: mark)...])) + query
      path = String(path[..<mark])
    }
    if !path.hasPrefix("/") { path = "/" + path }
    self.path = path
    self.query = query
    self.body = body
  }

  /// The first value of a query parameter.
  public func queryValue(_ name: String) -> String? {
    query.first { $0.name == name }?.value
  }

  /// A copy with a query parameter set to one value (replacing every existing one).
  public func settingQuery(_ name: String, to value: String) -> APIRequest {
    var copy = self
    copy.query.removeAll { $0.name == name }
    copy.query.append((name, value))
    return copy
  }

  /// The query in URL form, without `?`.
  public var encodedQuery: String { QueryString.encode(query) }

  public static func == (lhs: APIRequest, rhs: APIRequest) -> Bool {
    lhs.method == rhs.method && lhs.path == rhs.path && lhs.body == rhs.body
      && lhs.query.map { [$0.name, $0.value] } == rhs.query.map { [$0.name, $0.value] }
  }
}

/// Percent-encoding of query strings (RFC 3986 unreserved characters kept).
public enum QueryString {
  private static let unreserved: Set<UInt8> = Set(
    Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8))

  /// Percent-encodes one name or value.
  public static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for byte in text.utf8 {
      if unreserved.contains(byte) {
        out.unicodeScalars.append(Unicode.Scalar(byte))
      } else {
        out +=
          "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 15, radix: 16, uppercase: true)
      }
    }
    return out
  }

  /// Decodes percent-escapes and `+` as space.
  public static func unescape(_ text: Substring) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count)
    var iterator = Array(text.utf8)[...]
    while let byte = iterator.popFirst() {
      if byte == UInt8(ascii: "+") {
        bytes.append(UInt8(ascii: " "))
      } else if byte == UInt8(ascii: "%"), iterator.count >= 2,
        let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16)
      {
        bytes.append(value)
        iterator = iterator.dropFirst(2)
      } else {
        bytes.append(byte)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// `a=1&b=x%20y`.
  public static func encode(_ items: [(name: String, value: String)]) -> String {
    items.map { escape($0.name) + "=" + escape($0.value) }.joined(separator: "&")
  }

  /// Splits `a=1&b=2` into pairs, decoding escapes.
  public static func parse(_ text: String) -> [(name: String, value: String)] {
    text.split(separator: "&").map { pair in
      if let equals = pair.firstIndex(of: "=") {
        return (unescape(pair[..<equals]), unescape(pair[pair.index(after: equals)...]))
      }
      return (unescape(pair), "")
    }
  }
}
