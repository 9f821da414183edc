import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// The HTTP client of the ThousandEyes API v7: auth, account group, rate limits, retries,
/// errors, audit log and progress. One per run; call ``shutdown()`` when done.
///
/// Requests go only to the configured origin, so the token never reaches another host
/// (redirects are not followed).
public final class ThousandEyesClient: Sendable {
  /// The configuration in use.
  public let configuration: ClientConfiguration
  /// Progress on stderr (enabled only for terminals unless configured).
  public let progress: ProgressReporter
  /// Requests sent, 429s met and writes made through this client.
  public let statistics = RequestStatistics()

  /// Recent latencies and the organization's limit: the default concurrency of `te.parallel`.
  public let advisor = ConcurrencyAdvisor()

  let http: HTTPClient
  let limiter: RateLimiter
  /// The organization's budget shared with the host's other terun processes, if configured.
  let sharedBudget: SharedRateBudget?
  let audit: AuditLog?
  private let endpointPrefix: String
  private let sharedBudgetWarned = Atomic<Bool>(false)
  private let sleeper: @Sendable (Double) async throws -> Void

  /// Creates a client and its HTTP connection pool; opens the audit file if configured.
  public convenience init(configuration: ClientConfiguration) throws {
    try self.init(
      configuration: configuration,
      sleeper: { seconds in
        try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up))))
      })
  }

  init(configuration: ClientConfiguration, sleeper: @escaping @Sendable (Double) async throws -> Void) throws
  {
    self.configuration = configuration
    self.sleeper = sleeper
    var base = configuration.baseURL.absoluteString
    while base.hasSuffix("/") { base.removeLast() }
    endpointPrefix = base + "/v7"
    audit = try configuration.auditFile.map { try AuditLog(path: $0) }
    progress = ProgressReporter(enabled: configuration.showsProgress)
    limiter = RateLimiter(lowWaterFraction: configuration.retry.lowWaterFraction)
    sharedBudget = configuration.sharedBudgetFile.map {
      SharedRateBudget(path: $0, baseURL: configuration.baseURL, token: configuration.token)
    }
    var httpConfiguration = HTTPClient.Configuration(
      redirectConfiguration: .disallow,
      timeout: .init(
        connect: .nanoseconds(Int64(configuration.connectTimeout.seconds * 1e9)),
        read: .nanoseconds(Int64(configuration.readTimeout.seconds * 1e9))))
    // Connection failures surface at once, so that this client's retry policy decides.
    httpConfiguration.connectionPool.retryConnectionEstablishment = false
    http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
  }

  /// Closes the connection pool. Call once, after the last request.
  public func shutdown() async throws {
    progress.finish()
    try await http.shutdown()
  }

  /// Sends a request, with pacing and retries, and returns a 2xx response.
  ///
  /// - Throws: ``APIError`` for a non-2xx answer, ``TransportError`` when no answer came,
  ///   ``WaitTooLongError`` when the rate limit asks for a longer wait than allowed.
  public func send(_ request: APIRequest) async throws -> APIResponse {
    let policy = configuration.retry
    let instant = Catalog.match(method: request.method, path: request.path)?.isInstantTest ?? false
    var attempt = 0
    var failures = 0
    var rateLimited = 0
    let firstStarted = ContinuousClock.now
    while true {
      attempt += 1
      try await pace(instant: instant)
      let started = ContinuousClock.now
      let response: APIResponse
      do {
        response = try await perform(request)
      } catch let error as TransportError {
        statistics.record(method: request.method, status: nil)
        record(request, status: nil, started: started, attempt: attempt, bytes: 0, error: error.kind.rawValue)
        failures += 1
        // A POST or PATCH is retried only when the server certainly never saw it.
        let retryable = request.method.isIdempotent || error.kind == .connectionRefused
        guard retryable, failures < policy.maxAttempts else {
          var final = error
          final.attempts = attempt
          final.url = endpointPrefix + Self.escapePath(request.path)
          final.elapsed = (ContinuousClock.now - firstStarted).seconds
          throw final
        }
        try await sleeper(policy.backoff(afterAttempt: failures).seconds)
        continue
      }
      statistics.record(method: request.method, status: response.status)
      record(request, status: response.status, started: started, attempt: attempt, bytes: response.body.count)
      await limiter.record(.organization, headers: response.headers)
      let organization = RateLimiter.headerValues(.organization, in: response.headers)
      advisor.record(
        latency: (ContinuousClock.now - started).seconds, limit: organization.limit, reset: organization.reset
      )
      shareBudget {
        try $0.record(limit: organization.limit, remaining: organization.remaining, reset: organization.reset)
      }
      if instant { await limiter.record(.instantTest, headers: response.headers) }
      switch response.status {
      case 200..<300:
        return response
      case 429:
        rateLimited += 1
        guard rateLimited <= policy.maxRateLimitRetries else {
          throw apiError(request, response)
        }
        let wait = rateLimitWait(response, instant: instant)
        if wait.seconds > policy.maxWait.seconds {
          throw WaitTooLongError(
            method: request.method, path: request.path, wait: .seconds(wait.seconds), limit: policy.maxWait)
        }
        let until = Date().timeIntervalSince1970 + wait.seconds
        await limiter.exhaust(wait.budget, until: until)
        if wait.budget == .organization { shareBudget { try $0.exhaust(until: until) } }
        // The next `pace` waits until the reset; the server did no work, so any method retries.
        continue
      case 500..<600 where request.method.isIdempotent:
        failures += 1
        guard failures < policy.maxAttempts else {
          throw apiError(request, response)
        }
        try await sleeper(policy.backoff(afterAttempt: failures).seconds)
        continue
      default:
        throw apiError(request, response)
      }
    }
  }

  /// How long a 429 asks to wait: `Retry-After`, else the budget's reset, else a backoff.
  private func rateLimitWait(_ response: APIResponse, instant: Bool) -> (
    seconds: Double, budget: RateLimitBudget
  ) {
    let budget: RateLimitBudget =
      instant && response.header("X-Instant-Test-Rate-Limit-Remaining").flatMap(Int.init) == 0
      ? .instantTest : .organization
    if let retryAfter = response.header("Retry-After").flatMap({
      Double($0.trimmingCharacters(in: .whitespaces))
    }) {
      return (max(0, retryAfter), budget)
    }
    if let reset = response.header("\(budget.rawValue)-Reset").flatMap({
      Double($0.trimmingCharacters(in: .whitespaces))
    }) {
      return (max(0, reset - Date().timeIntervalSince1970 + RateLimiter.resetMargin), budget)
    }
    return (configuration.retry.baseDelay.seconds * 4, budget)
  }

  /// Waits as the rate-limit budgets require before a request.
  private func pace(instant: Bool) async throws {
    var budgets: [RateLimitBudget] = [.organization]
    if instant { budgets.append(.instantTest) }
    for budget in budgets {
      // Paced by the host's shared budget when there is one; the local limiter otherwise.
      if budget == .organization, try await paceShared() { continue }
      let wait = await limiter.reserve(budget)
      if wait > 0 {
        if wait > configuration.retry.maxWait.seconds {
          throw WaitTooLongError(
            method: .get, path: "(rate limit)", wait: .seconds(wait), limit: configuration.retry.maxWait)
        }
        progress.waiting(seconds: wait, budget: budget)
        try await sleeper(wait)
      }
    }
  }

  /// Waits for a request of the organization's budget shared on this host; false when there is
  /// none or its file cannot be used (the local limiter paces instead).
  private func paceShared() async throws -> Bool {
    guard let sharedBudget else { return false }
    while true {
      let reservation: SharedRateBudget.Reservation
      do {
        reservation = try sharedBudget.reserve(latency: advisor.latencyBound)
      } catch {
        sharedBudgetFailed(error)
        return false
      }
      if reservation.wait > configuration.retry.maxWait.seconds {
        throw WaitTooLongError(
          method: .get, path: "(rate limit)", wait: .seconds(reservation.wait),
          limit: configuration.retry.maxWait)
      }
      if reservation.wait > 0 {
        if reservation.wait >= 1 { progress.waiting(seconds: reservation.wait, budget: .organization) }
        try await sleeper(reservation.wait)
      }
      if reservation.granted { return true }
    }
  }

  /// Runs `body` on the shared budget, if any; a failure is reported once and the client paces alone.
  private func shareBudget(_ body: (SharedRateBudget) throws -> Void) {
    guard let sharedBudget else { return }
    do {
      try body(sharedBudget)
    } catch {
      sharedBudgetFailed(error)
    }
  }

  private func sharedBudgetFailed(_ error: Error) {
    if sharedBudgetWarned.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged {
      FileHandle.standardError.write(Data("terun: \(error); pacing this process alone\n".utf8))
    }
  }

  private func record(
    _ request: APIRequest, status: Int?, started: ContinuousClock.Instant, attempt: Int, bytes: Int,
    error: String? = nil
  ) {
    guard let audit else { return }
    let elapsed = ContinuousClock.now - started
    audit.append(
      AuditLog.Entry(
        time: Date(), method: request.method, path: request.path, query: queryWithAid(request).encoded,
        status: status, durationMilliseconds: elapsed.seconds * 1000, attempt: attempt, bytes: bytes,
        error: error))
  }

  private func queryWithAid(_ request: APIRequest) -> (
    items: [(name: String, value: String)], encoded: String
  ) {
    var items = request.query
    if let aid = configuration.aid, !items.contains(where: { $0.name == "aid" }) {
      items.append(("aid", aid))
    }
    return (items, QueryString.encode(items))
  }

  /// The full URL of a request on the configured origin.
  func url(for request: APIRequest) -> String {
    let query = queryWithAid(request).encoded
    return endpointPrefix + Self.escapePath(request.path) + (query.isEmpty ? "" : "?" + query)
  }

  /// One attempt, mapping every failure to a ``TransportError``.
  ///
  /// The body is accumulated on the connection's event loop (``ResponseAccumulator``) and handed
  /// over once: the streaming async body would cross from the event loop to this task for every
  /// chunk read, thousands of thread hops for a 33 MB export.
  private func perform(_ request: APIRequest) async throws -> APIResponse {
    var headers = HTTPHeaders()
    headers.add(name: "Accept", value: "application/hal+json, application/json")
    headers.add(name: "User-Agent", value: configuration.userAgent)
    if let token = configuration.token {
      headers.add(name: "Authorization", value: "Bearer \(token.secret)")
    }
    if request.body != nil {
      headers.add(name: "Content-Type", value: "application/json")
    }
    do {
      let outgoing = try HTTPClient.Request(
        url: url(for: request), method: HTTPMethod(rawValue: request.method.rawValue), headers: headers,
        body: request.body.map { .bytes($0) })
      let accumulator = ResponseAccumulator(
        request: outgoing,
        maxBodySize: min(configuration.maxResponseBytes, request.maxResponseBytes ?? .max, Int(UInt32.max)))
      let task = http.execute(request: outgoing, delegate: accumulator)
      let response = try await withTaskCancellationHandler {
        try await task.futureResult.get()
      } onCancel: {
        task.cancel()
      }
      var body = response.body ?? ByteBuffer()
      return APIResponse(
        status: Int(response.status.code),
        headers: response.headers.map { ($0.name, $0.value) },
        body: body.readBytes(length: body.readableBytes) ?? [])
    } catch is CancellationError {
      throw CancellationError()
    } catch {
      if Task.isCancelled { throw CancellationError() }
      throw TransportError(
        kind: Self.classify(error), method: request.method, path: request.path,
        reason: Self.redacting(
          headers.map(\.value) + [configuration.token?.secret].compactMap { $0 }, in: Self.describe(error)),
        attempts: 1)
    }
  }

  static func classify(_ error: Error) -> TransportError.Kind {
    if let error = error as? HTTPClientError {
      switch error {
      case .connectTimeout, .getConnectionFromPoolTimeout, .tlsHandshakeTimeout: return .connectTimeout
      case .readTimeout, .deadlineExceeded, .writeTimeout: return .readTimeout
      case .remoteConnectionClosed: return .connectionLost
      default: break
      }
    }
    if error is NIOTooManyBytesError || error is ResponseAccumulator.ResponseTooBigError {
      return .responseTooLarge
    }
    if let error = error as? HTTPParserError, error == .invalidEOFState { return .connectionLost }
    if let error = error as? IOError, error.errnoCode == ECONNREFUSED { return .connectionRefused }
    let text = String(describing: error).lowercased()
    if text.contains("connection refused") || text.contains("econnrefused") { return .connectionRefused }
    if text.contains("connecttimeout") || text.contains("connect timeout") { return .connectTimeout }
    if text.contains("reset by peer") || text.contains("connection closed") || text.contains("eof") {
      return .connectionLost
    }
    return .other
  }

  /// `text` without any of `values` (the request's header values and the token): an error of the HTTP
  /// library may quote them (`invalidHeaderFieldValues(["Bearer …"])`), raw or escaped.
  static func redacting(_ values: [String], in text: String) -> String {
    if text.contains("invalidHeaderField") { return "invalid HTTP header field (its value is not shown)" }
    return scrubbing(values, in: text)
  }

  /// `text` with every occurrence of `values`, raw or as Swift escapes them, replaced by
  /// `<redacted>`.
  static func scrubbing(_ values: [String], in text: String) -> String {
    var result = text
    for value in values where !value.isEmpty {
      let escaped = String(String(reflecting: value).dropFirst().dropLast())
      for form in [value, escaped] where !form.isEmpty {
        result = result.replacingOccurrences(of: form, with: "<redacted>")
      }
    }
    return result
  }

  /// The API error for a failed response. A server may quote the request back (its token
  /// included) in its error body: the token never reaches the message.
  private func apiError(_ request: APIRequest, _ response: APIResponse) -> APIError {
    let error = APIError(method: request.method, path: request.path, response: response)
    guard let secret = configuration.token?.secret else { return error }
    return error.redacting(["Bearer " + secret, secret])
  }

  static func describe(_ error: Error) -> String {
    if let error = error as? HTTPClientError { return "\(error)" }
    return String(describing: error)
  }

  private static let pathAllowed: Set<UInt8> = Set(
    Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/:@!$&'()*+,;=%".utf8))

  /// Percent-encodes bytes a path may not hold raw (existing `%XX` escapes are kept).
  static func escapePath(_ path: String) -> String {
    var out = ""
    for byte in path.utf8 {
      if pathAllowed.contains(byte) {
        out.unicodeScalars.append(Unicode.Scalar(byte))
      } else {
        out +=
          "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 15, radix: 16, uppercase: true)
      }
    }
    return out
  }
}
