/// A response of the API: status, headers and the raw body bytes, undecoded.
///
/// The `te` module decodes `body` straight into Lua values (docs/architecture.md, rule 3); the client
/// never builds an object graph of a body on the hot path.
public struct APIResponse: Sendable {
  /// The HTTP status code.
  public let status: Int
  /// Response headers as received, in order.
  public let headers: [(name: String, value: String)]
  /// The body bytes (empty for 204).
  public let body: [UInt8]

  /// Creates a response.
  public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
    self.status = status
    self.headers = headers
    self.body = body
  }

  /// The first value of a header, compared case-insensitively.
  public func header(_ name: String) -> String? {
    let lowered = name.lowercased()
    return headers.first { $0.name.lowercased() == lowered }?.value
  }

  /// The body as UTF-8 text, for diagnostics.
  public var text: String { String(decoding: body, as: UTF8.self) }
}
