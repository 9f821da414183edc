import Foundation

/// Everything the client needs to reach one ThousandEyes API origin.
public struct ClientConfiguration: Sendable {
  /// The default API origin, as `TE_BASE_URL` would give it (without `/v7`).
  public static let defaultBaseURL = "https://api.thousandeyes.com"
  /// terun's version, sent in `User-Agent`.
  public static let terunVersion = "0.1.0"

  /// The API base URL without `/v7`, e.g. `https://api.thousandeyes.com` or `http://127.0.0.1:8080`.
  public var baseURL: URL
  /// The bearer token; `nil` sends no `Authorization` header.
  public var token: APIToken?
  /// The default account group, added as `aid` to requests that do not name one.
  public var aid: String?
  /// How long to wait for a TCP (and TLS) connection.
  public var connectTimeout: Duration = .seconds(10)
  /// How long to wait for the next bytes of a response.
  public var readTimeout: Duration = .seconds(60)
  /// The `User-Agent` header.
  public var userAgent: String = "terun/\(ClientConfiguration.terunVersion)"
  /// Retries, backoff and rate-limit waits.
  public var retry = RetryPolicy()
  /// The largest response body accepted, in bytes.
  public var maxResponseBytes = 512 * 1024 * 1024
  /// The file the token was read from (`--token-file`), if any: runbooks may never read it.
  public var tokenFile: String?
  /// When set, one JSON line per request attempt is appended to this file.
  public var auditFile: String?
  /// Progress on stderr: `nil` shows it only when stderr is a terminal.
  public var showsProgress: Bool?
  /// The file through which every terun process on this host shares the organization's
  /// request budget (``SharedRateBudget``); `nil` paces this client alone.
  public var sharedBudgetFile: String?
  /// The most requests a run keeps in flight at once (`te.parallel`, `--max-concurrency`).
  public var maxConcurrency = 8

  /// Creates a configuration.
  public init(baseURL: URL, token: APIToken?, aid: String? = nil) {
    self.baseURL = baseURL
    self.token = token
    self.aid = aid
  }

  /// The origin (scheme, host and port) the token may be sent to.
  public var origin: Origin { Origin(baseURL)! }

  /// Builds a configuration from the environment and command-line options.
  ///
  /// - `baseURL` (`--base-url`) wins over `TE_BASE_URL`, which wins over the default. A
  ///   trailing `/v7` or `/` is removed.
  /// - The token comes from `tokenFile` (`--token-file`, first line, trimmed) or `TE_TOKEN`;
  ///   it is never a command-line value. With `requiresToken` a missing token is an error.
  /// - `aid` (`--aid`) wins over `TE_AID`.
  public static func fromEnvironment(
    _ environment: [String: String] = ProcessInfo.processInfo.environment,
    baseURL: String? = nil, tokenFile: String? = nil, aid: String? = nil, requiresToken: Bool = true
  ) throws -> ClientConfiguration {
    let rawBase = baseURL ?? environment["TE_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultBaseURL
    let url = try parseBaseURL(rawBase)
    var token: APIToken?
    if let tokenFile {
      let text: String
      do {
        text = try String(contentsOfFile: tokenFile, encoding: .utf8)
      } catch {
        throw ConfigurationError.unreadableTokenFile(tokenFile)
      }
      let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      guard !trimmed.isEmpty else { throw ConfigurationError.emptyTokenFile(tokenFile) }
      try validateToken(trimmed, source: "the token file \(tokenFile)")
      token = APIToken(trimmed)
    } else if let value = environment["TE_TOKEN"], !value.trimmingCharacters(in: .whitespaces).isEmpty {
      let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
      try validateToken(trimmed, source: "TE_TOKEN")
      token = APIToken(trimmed)
    }
    if requiresToken, token == nil { throw ConfigurationError.missingToken }
    let group = aid ?? environment["TE_AID"].flatMap { $0.isEmpty ? nil : $0 }
    var configuration = ClientConfiguration(baseURL: url, token: token, aid: group)
    configuration.tokenFile = tokenFile
    return configuration
  }

  /// Refuses a token that could not be sent as a header value: every byte must be a visible
  /// ASCII character (no control character, space, DEL or non-ASCII). The message names the
  /// offending position but never shows the token.
  public static func validateToken(_ token: String, source: String) throws {
    for (offset, byte) in token.utf8.enumerated() where byte < 0x21 || byte > 0x7E {
      throw ConfigurationError.invalidToken(source: source, position: offset + 1)
    }
  }

  /// Validates a base URL and strips a trailing `/v7` and slashes.
  public static func parseBaseURL(_ text: String) throws -> URL {
    var trimmed = text.trimmingCharacters(in: .whitespaces)
    while trimmed.hasSuffix("/") { trimmed.removeLast() }
    if trimmed.hasSuffix("/v7") { trimmed.removeLast(3) }
    while trimmed.hasSuffix("/") { trimmed.removeLast() }
    if userInfo(in: trimmed) ?? looseUserInfo(in: trimmed) != nil {
      throw ConfigurationError.credentialsInBaseURL(redactingPassword(in: text))
    }
    guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
      scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
    else {
      throw ConfigurationError.invalidBaseURL(redactingPassword(in: text))
    }
    guard url.query == nil, url.fragment == nil, url.user == nil else {
      throw ConfigurationError.invalidBaseURL(redactingPassword(in: text))
    }
    return url
  }

  /// The user-information part of a URL's authority (`user:pass` in `http://user:pass@host/`).
  private static func userInfo(in text: String) -> Range<String.Index>? {
    let start = text.range(of: "://")?.upperBound ?? text.startIndex
    let authorityEnd = text[start...].firstIndex { "/?#".contains($0) } ?? text.endIndex
    guard let at = text[start..<authorityEnd].lastIndex(of: "@") else { return nil }
    return start..<at
  }

  /// Where user information would be in a text that is not a well-formed URL
  /// (`http:/user:pass@host`, `user:pass@host`): after the scheme and its slashes, up to the
  /// last `@`.
  private static func looseUserInfo(in text: String) -> Range<String.Index>? {
    guard let at = text.lastIndex(of: "@") else { return nil }
    let head = text[..<at]
    var index =
      head.range(of: "://")?.upperBound ?? head.firstIndex(of: ":").map { text.index(after: $0) }
      ?? text.startIndex
    while index < at, text[index] == "/" { index = text.index(after: index) }
    return index..<at
  }

  /// `text` with the secret part of its user information replaced by `***`: the password
  /// (`http://user:***@host`), or the whole of a user information without one, which may be a
  /// token itself (`http://***@host`, a percent-encoded `user%3Apass` too). A text that is not a
  /// well-formed URL is redacted up to its last `@`.
  public static func redactingPassword(in text: String) -> String {
    guard let info = userInfo(in: text) ?? looseUserInfo(in: text) else { return text }
    guard let colon = text[info].firstIndex(of: ":") else {
      return text.replacingCharacters(in: info, with: "***")
    }
    return text.replacingCharacters(in: text.index(after: colon)..<info.upperBound, with: "***")
  }
}

/// A scheme, host and port: where the token may go.
public struct Origin: Sendable, Hashable, CustomStringConvertible {
  /// `http` or `https`, lowercased.
  public let scheme: String
  /// The host, lowercased.
  public let host: String
  /// The port, defaulted from the scheme.
  public let port: Int

  /// The origin of a URL, or `nil` without a scheme or host.
  public init?(_ url: URL) {
    guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(), !host.isEmpty else {
      return nil
    }
    self.scheme = scheme
    self.host = host
    self.port = url.port ?? (scheme == "https" ? 443 : 80)
  }

  public var description: String { "\(scheme)://\(host):\(port)" }
}

/// A configuration that cannot be used.
public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
  case missingToken
  case unreadableTokenFile(String)
  case emptyTokenFile(String)
  case invalidBaseURL(String)
  /// The base URL holds a password (shown redacted).
  case credentialsInBaseURL(String)
  /// The token has a byte that cannot be sent (its 1-based position; the token is never shown).
  case invalidToken(source: String, position: Int)

  /// Whether this is a problem with the API token (exit 4), not with a usage (exit 2).
  public var isTokenProblem: Bool {
    switch self {
    case .missingToken, .invalidToken, .emptyTokenFile: return true
    case .unreadableTokenFile, .invalidBaseURL, .credentialsInBaseURL: return false
    }
  }

  public var description: String {
    switch self {
    case .missingToken:
      return "no API token: set TE_TOKEN, pass --token-file FILE, or use --sim"
    case .invalidToken(let source, let position):
      return
        "the API token in \(source) has a control, space or non-printable character (at position \(position)); it was not used"
    case .credentialsInBaseURL(let redacted):
      return
        "invalid base URL '\(redacted)': credentials in the URL are not allowed; give the token with TE_TOKEN or --token-file"
    case .unreadableTokenFile(let path):
      return "cannot read the token file \(path)"
    case .emptyTokenFile(let path):
      return "the token file \(path) is empty"
    case .invalidBaseURL(let text):
      return
        "invalid base URL '\(text)': expected http(s)://host[:port] without /v7, e.g. \(ClientConfiguration.defaultBaseURL)"
    }
  }
}
