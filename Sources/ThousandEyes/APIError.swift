import Foundation

/// An error response of the API: a problem+json body, the OAuth-shaped 401, or any other
/// non-2xx answer (a malformed body still yields a clear error).
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
  /// One entry of a problem's `errors` array (400 validation failures).
  public struct FieldError: Sendable, Equatable {
    /// The machine-readable code, e.g. `INVALID_VALUE`.
    public var code: String?
    /// The field the error concerns, e.g. `email`.
    public var field: String?
    /// The human message.
    public var message: String?

    /// Creates a field error.
    public init(code: String?, field: String?, message: String?) {
      self.code = code
      self.field = field
      self.message = message
    }
  }

  /// The request's method.
  public var method: HTTPMethodName
  /// The request's path relative to `/v7` (no query: it may hold cursors).
  public var path: String
  /// The HTTP status.
  public var status: Int
  /// The problem's `title`, the OAuth `error`, or the status's reason phrase.
  public var title: String
  /// The problem's `detail`, the OAuth `error_description`, or a note on an unreadable body.
  public var detail: String?
  /// The problem's `type` URI, when given.
  public var type: String?
  /// Field errors of a 400.
  public var errors: [FieldError]

  /// Creates an error.
  public init(
    method: HTTPMethodName, path: String, status: Int, title: String, detail: String? = nil,
    type: String? = nil, errors: [FieldError] = []
  ) {
    self.method = method
    self.path = path
    self.status = status
    self.title = title
    self.detail = detail
    self.type = type
    self.errors = errors
  }

  /// Reads an error response body, tolerating any shape.
  public init(method: HTTPMethodName, path: String, response: APIResponse) {
    self.init(
      method: method, path: path, status: response.status, title: APIError.reasonPhrase(response.status))
    guard !response.body.isEmpty else {
      return
    }
    guard
      let object = try? JSONSerialization.jsonObject(with: Data(response.body), options: [.fragmentsAllowed])
        as? [String: Any]
    else {
      let snippet = String(decoding: response.body.prefix(200), as: UTF8.self)
        .replacingOccurrences(of: "\n", with: " ")
      detail = "unreadable error body (\(response.header("content-type") ?? "no content type")): \(snippet)"
      return
    }
    if let oauthError = object["error"] as? String {
      title = oauthError
      detail = object["error_description"] as? String
      return
    }
    if let value = object["title"] as? String, !value.isEmpty { title = value }
    detail = object["detail"] as? String ?? object["message"] as? String
    type = object["type"] as? String
    if let list = object["errors"] as? [Any] {
      errors = list.compactMap { entry in
        guard let entry = entry as? [String: Any] else { return nil }
        func text(_ key: String) -> String? {
          if let value = entry[key] as? String { return value }
          if let value = entry[key] { return "\(value)" }
          return nil
        }
        return FieldError(code: text("code"), field: text("field"), message: text("message"))
      }
    }
  }

  /// The error with every occurrence of `values` in its texts replaced by `<redacted>`.
  public func redacting(_ values: [String]) -> APIError {
    func scrub(_ text: String?) -> String? { text.map { ThousandEyesClient.scrubbing(values, in: $0) } }
    var copy = self
    copy.title = scrub(title) ?? title
    copy.detail = scrub(detail)
    copy.type = scrub(type)
    copy.errors = errors.map {
      FieldError(code: scrub($0.code), field: scrub($0.field), message: scrub($0.message))
    }
    return copy
  }

  /// Whether the error means the credentials are missing, wrong or lack permission.
  public var isAuthorizationFailure: Bool { status == 401 || status == 403 }

  /// `GET /tests/123: 404 Not Found: Test not found` plus field errors, one per line.
  public var description: String {
    var text = "\(method.rawValue) \(path): \(status) \(title)"
    if let detail, !detail.isEmpty, detail != title { text += ": \(detail)" }
    for error in errors {
      var line = "\n  - "
      if let field = error.field { line += "\(field): " }
      line += error.message ?? error.code ?? "invalid"
      if let code = error.code, error.message != nil { line += " (\(code))" }
      text += line
    }
    return text
  }

  /// A short reason phrase for a status.
  public static func reasonPhrase(_ status: Int) -> String {
    switch status {
    case 400: return "Bad Request"
    case 401: return "Unauthorized"
    case 403: return "Forbidden"
    case 404: return "Not Found"
    case 405: return "Method Not Allowed"
    case 409: return "Conflict"
    case 415: return "Unsupported Media Type"
    case 422: return "Unprocessable Entity"
    case 429: return "Too Many Requests"
    case 500: return "Internal Server Error"
    case 502: return "Bad Gateway"
    case 503: return "Service Unavailable"
    case 504: return "Gateway Timeout"
    default: return "HTTP \(status)"
    }
  }
}

/// A request that got no HTTP answer.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What went wrong.
  public enum Kind: String, Sendable, Equatable {
    /// No connection could be made: the server certainly did not see the request.
    case connectionRefused = "connection refused"
    /// Connecting took longer than the connect timeout.
    case connectTimeout = "connect timeout"
    /// The response did not arrive within the read timeout.
    case readTimeout = "read timeout"
    /// The connection broke after the request may have been sent.
    case connectionLost = "connection lost"
    /// The response body exceeded the configured maximum.
    case responseTooLarge = "response too large"
    /// Any other network failure.
    case other = "network error"
  }

  /// The kind of failure.
  public var kind: Kind
  /// The request's method.
  public var method: HTTPMethodName
  /// The request's path relative to `/v7`.
  public var path: String
  /// The underlying error's text (never the token: it is only in a header).
  public var reason: String
  /// How many attempts were made.
  public var attempts: Int
  /// The request's full URL without its query (`http://127.0.0.1:1/v7/tests`), when known.
  public var url: String?
  /// Seconds from the first attempt to the last failure, when known.
  public var elapsed: Double?

  /// Creates a transport error.
  public init(
    kind: Kind, method: HTTPMethodName, path: String, reason: String, attempts: Int, url: String? = nil,
    elapsed: Double? = nil
  ) {
    self.kind = kind
    self.method = method
    self.path = path
    self.reason = reason
    self.attempts = attempts
    self.url = url
    self.elapsed = elapsed
  }

  /// Whether the failure is a timeout (connect or read).
  public var isTimeout: Bool { kind == .connectTimeout || kind == .readTimeout }

  /// One sentence: method, URL without query, cause, and attempts over how long, e.g.
  /// `GET http://127.0.0.1:1/v7/tests: connection refused (4 attempts in 3.1 s)`. The
  /// underlying error's text is added only when the kind alone does not say what happened.
  public var description: String {
    let cause = kind == .other ? "\(kind.rawValue): \(reason)" : kind.rawValue
    let tries = attempts == 1 ? "1 attempt" : "\(attempts) attempts"
    let span = elapsed.map { " in " + String(format: "%.1f s", $0) } ?? ""
    return "\(method.rawValue) \(url ?? path): \(cause) (\(tries)\(span))"
  }
}

/// Pagination that cannot go on safely.
public enum PaginationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A `_links.next` on another origin carried no `cursor` to apply to the configured origin.
  case offOriginWithoutCursor(path: String, origin: String)
  /// A `_links.next.href` that is not a URL.
  case invalidNextLink(path: String, href: String)

  public var description: String {
    switch self {
    case .offOriginWithoutCursor(let path, let origin):
      return "GET \(path): the next page link points to another origin (\(origin)) and has no cursor; "
        + "stopped rather than send the token there"
    case .invalidNextLink(let path, let href):
      return "GET \(path): invalid next page link '\(href)'"
    }
  }
}

/// A rate-limit or backoff wait longer than the policy allows.
public struct WaitTooLongError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The request's method.
  public var method: HTTPMethodName
  /// The request's path.
  public var path: String
  /// The wait the server asked for.
  public var wait: Duration
  /// The policy's limit.
  public var limit: Duration

  public var description: String {
    "\(method.rawValue) \(path): rate limited; the reset is \(Int(wait.seconds.rounded(.up))) s away, "
      + "more than the allowed wait of \(Int(limit.seconds)) s"
  }
}

extension Duration {
  /// The duration in seconds, as a `Double`.
  public var seconds: Double {
    let parts = components
    return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
  }
}
