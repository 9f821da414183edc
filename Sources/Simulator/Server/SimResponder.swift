import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The simulator's single responder: faults, rate limit, auth, aid, routing, then the handler.
struct SimResponder: HTTPResponder {
  typealias Context = SimContext

  let world: World
  let router: Router
  let token: String
  let limiter: RateLimiter?
  let instantLimiter: RateLimiter?
  let faults: FaultInjector
  let fallbackOrigin: String
  let maxBodySize: Int

  init(world: World, options: SimulatorOptions, fallbackOrigin: String) {
    self.world = world
    self.router = Router(routes: Routes.all)
    self.token = options.effectiveToken
    self.limiter = options.rateLimit.map { RateLimiter(limit: $0.limit, window: $0.window) }
    self.instantLimiter = options.instantRateLimit.map { RateLimiter(limit: $0.limit, window: $0.window) }
    self.faults = FaultInjector(
      seed: options.seed, errorRate: options.errorRate, dropRate: options.dropRate, latency: options.latency)
    self.fallbackOrigin = fallbackOrigin
    self.maxBodySize = options.maxBodySize
  }

  func respond(to request: Request, context: SimContext) async throws -> Response {
    let decision = faults.isActive ? faults.next() : nil
    if let decision, decision.delayMilliseconds > 0 {
      try await Task.sleep(nanoseconds: UInt64(decision.delayMilliseconds) * 1_000_000)
    }
    let uri = request.uri.description
    // Authentication comes first; an unauthenticated request spends nothing.
    guard authorized(request) else {
      return finish(Self.unauthorized(), rate: limiter?.peek())
    }
    let rate = limiter?.acquire()
    if let rate, !rate.allowed {
      let error = APIError(
        status: 429, title: "Too Many Requests",
        detail: "Organization rate limit of \(rate.limit) requests exceeded; it resets at \(rate.reset).")
      return finish(error.response(instance: uri), rate: rate)
    }
    if let status = decision?.errorStatus {
      let titles = [500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"]
      let error = APIError(
        status: status, title: titles[status] ?? "Server Error", detail: "Simulated fault (--error-rate).")
      return finish(error.response(instance: uri), rate: rate)
    }
    let bodyBytes: [UInt8]
    if request.method == .post || request.method == .put || request.method == .patch {
      guard let bytes = try await collectBody(request) else {
        return finish(tooLarge().response(instance: uri), rate: rate, close: true)
      }
      bodyBytes = bytes
    } else {
      bodyBytes = []
    }
    let response = handle(request, uri: uri, body: bodyBytes)
    if decision?.drop == true {
      // The request has acted; the client never learns the outcome.
      context.channel.close(promise: nil)
    }
    return finish(response, rate: rate)
  }

  /// The request body, or nil when it is larger than `maxBodySize` (announced or sent).
  private func collectBody(_ request: Request) async throws -> [UInt8]? {
    if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBodySize {
      return nil
    }
    do {
      return Array(try await request.body.collect(upTo: maxBodySize).readableBytesView)
    } catch is NIOTooManyBytesError {
      return nil
    }
  }

  private func tooLarge() -> APIError {
    APIError(
      status: 413, title: "Content Too Large",
      detail: "The request body is larger than the limit of \(maxBodySize) bytes.")
  }

  private func authorized(_ request: Request) -> Bool {
    guard let header = request.headers[.authorization] else { return false }
    let prefix = "Bearer "
    guard header.count > prefix.count, header.lowercased().hasPrefix("bearer ") else { return false }
    return header.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces) == token
  }

  static func unauthorized() -> SimResponse {
    let body: JSONValue = .object([
      ("error", "invalid_token"), ("error_description", "Invalid or missing access token"),
    ])
    return SimResponse(status: 401, body: JSONWriter.serialize(body), contentType: "application/problem+json")
  }

  /// Parses the request and runs the matching handler; every failure becomes a problem.
  func handle(_ request: Request, uri: String, body: [UInt8]) -> SimResponse {
    let rawPath = request.uri.path
    guard rawPath == "/v7" || rawPath.hasPrefix("/v7/") else {
      return APIError.notFound("No such resource: \(rawPath). API paths start with /v7.").response(
        instance: uri)
    }
    let path = String(rawPath.dropFirst(3))
    let method = request.method.rawValue
    switch router.match(method: method, path: path) {
    case .notFound:
      return APIError.notFound("No such resource: \(rawPath).").response(instance: uri)
    case .methodNotAllowed:
      return APIError(
        status: 405, title: "Method Not Allowed", detail: "\(method) is not supported on \(rawPath)."
      )
      .response(instance: uri)
    case .found(let route, let parameters):
      var sim = SimRequest(method: method, path: path, uri: uri, parameters: parameters)
      sim.query = Self.parseQuery(request.uri.query)
      sim.origin = origin(request)
      do {
        sim.aid = try resolveAid(sim)
        if !body.isEmpty {
          do {
            sim.body = try JSONParser.parse(body)
          } catch {
            throw APIError.badRequest("The request body is not valid JSON: \(error).")
          }
        }
        sim.storableBody = sim.body
        if let schema = RequestSchemas.shared.schema(method: method, template: route.template) {
          try RequestValidator.validate(sim.body, against: schema)
          sim.storableBody = sim.body.map {
            RequestValidator.withoutWriteOnly($0, schema.schema, RequestSchemas.shared)
          }
        }
        if InstantTestHandlers.operationIds.contains(route.operationId), let instantLimiter {
          let status = instantLimiter.acquire()
          let headers = [
            ("X-Instant-Test-Rate-Limit-Limit", String(status.limit)),
            ("X-Instant-Test-Rate-Limit-Remaining", String(status.remaining)),
            ("X-Instant-Test-Rate-Limit-Reset", String(status.reset)),
          ]
          var response: SimResponse
          if status.allowed {
            response = try route.handler(sim, world)
          } else {
            response = APIError(
              status: 429, title: "Too Many Requests",
              detail: "Instant test rate limit of \(status.limit) exceeded; it resets at \(status.reset)."
            ).response(instance: uri)
          }
          response.headers.append(contentsOf: headers)
          return response
        }
        return try route.handler(sim, world)
      } catch let error as APIError {
        return error.response(instance: uri)
      } catch {
        return APIError(status: 500, title: "Internal Server Error", detail: "\(error)").response(
          instance: uri)
      }
    }
  }

  private func resolveAid(_ request: SimRequest) throws -> String {
    try world.read { state in
      guard let user = state.currentUser else {
        throw APIError.forbidden("The token's user no longer exists.")
      }
      guard let aid = request.queryValue("aid") else { return user.loginAid }
      guard state.accountGroup(aid) != nil, user.isMember(of: aid) else {
        throw APIError.forbidden("You do not have access to account group \(aid).")
      }
      return aid
    }
  }

  private func origin(_ request: Request) -> String {
    if let host = request.head.authority, !host.isEmpty, !host.contains("/") {
      return "http://" + host
    }
    return fallbackOrigin
  }

  static func parseQuery(_ query: String?) -> [String: [String]] {
    guard let query, !query.isEmpty else { return [:] }
    var result: [String: [String]] = [:]
    for pair in query.split(separator: "&") {
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let name = String(parts[0]).removingPercentEncodingSafely
      let value = parts.count > 1 ? String(parts[1]).removingPercentEncodingSafely : ""
      result[name, default: []].append(value)
    }
    return result
  }

  /// The HTTP response for `response`; `close` asks the client to close the connection
  /// (after a body too large to read, whose rest is not worth receiving).
  private func finish(_ response: SimResponse, rate: RateLimiter.Status?, close: Bool = false) -> Response {
    var headers = HTTPFields()
    if close { headers[.connection] = "close" }
    if !response.contentType.isEmpty {
      headers[.contentType] = response.contentType
    }
    if let rate {
      headers[HTTPField.Name("X-Organization-Rate-Limit-Limit")!] = String(rate.limit)
      headers[HTTPField.Name("X-Organization-Rate-Limit-Remaining")!] = String(rate.remaining)
      headers[HTTPField.Name("X-Organization-Rate-Limit-Reset")!] = String(rate.reset)
    }
    for (name, value) in response.headers {
      if let field = HTTPField.Name(name) { headers[field] = value }
    }
    headers[.contentLength] = String(response.body.count)
    if response.body.isEmpty {
      return Response(status: .init(code: response.status), headers: headers)
    }
    return Response(
      status: .init(code: response.status), headers: headers,
      body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
  }
}
