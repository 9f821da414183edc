/// One parsed API request as the handlers see it.
struct SimRequest {
  /// HTTP method, upper case.
  var method: String
  /// The path after `/v7` (for example `/agents/3`).
  var path: String
  /// The full request path including `/v7` and the query, for problem `instance`.
  var uri: String
  /// Path parameters by name (`testId`, `agentId`, ...).
  var parameters: [String: String] = [:]
  /// Query parameters; repeated or comma-separated values are split into several.
  var query: [String: [String]] = [:]
  /// The parsed JSON body, if any.
  var body: JSONValue?
  /// The body without the members its schema marks write-only (passwords, tokens, and ids the
  /// response shows expanded): what a handler may store and echo back.
  var storableBody: JSONValue?
  /// The account group the request acts in.
  var aid: String = ""
  /// The server's own origin (`http://host:port`), for absolute links.
  var origin: String = ""

  /// The first value of a query parameter.
  func queryValue(_ name: String) -> String? {
    query[name]?.first
  }

  /// A path parameter (always present for a matched route).
  func parameter(_ name: String) -> String {
    parameters[name] ?? ""
  }

  /// An absolute link to `path` (under `/v7`) on this server.
  func link(_ path: String) -> String {
    origin + "/v7" + path
  }
}

/// One response from a handler, before the shared headers are added.
struct SimResponse {
  var status: Int
  var body: [UInt8]
  var contentType: String
  var headers: [(String, String)] = []

  /// A `application/hal+json` response.
  static func hal(_ value: JSONValue, status: Int = 200) -> SimResponse {
    SimResponse(status: status, body: JSONWriter.serialize(value), contentType: "application/hal+json")
  }

  /// A `application/json` response (the few operations the spec gives that type).
  static func json(_ value: JSONValue, status: Int = 200) -> SimResponse {
    SimResponse(status: status, body: JSONWriter.serialize(value), contentType: "application/json")
  }

  /// A 201 with `Location`.
  static func created(_ value: JSONValue, location: String) -> SimResponse {
    var response = hal(value, status: 201)
    response.headers.append(("Location", location))
    return response
  }

  /// A 204 with no body.
  static var noContent: SimResponse {
    SimResponse(status: 204, body: [], contentType: "")
  }
}

/// A failure answered as an `application/problem+json` document.
struct APIError: Error {
  /// One entry of a 400's `errors` list.
  struct FieldError: Equatable {
    var code: String
    var field: String
    var message: String
  }

  var status: Int
  var title: String
  var detail: String
  var errors: [FieldError] = []

  static func notFound(_ detail: String) -> APIError {
    APIError(status: 404, title: "Resource Not Found", detail: detail)
  }

  static func badRequest(_ detail: String, errors: [FieldError] = []) -> APIError {
    APIError(
      status: 400, title: "Request validation failed. There are invalid or missing fields", detail: detail,
      errors: errors)
  }

  /// A `cursor` made for another request; `owner` says what it belongs to instead.
  static func foreignCursor(belongsTo owner: String = "another account group") -> APIError {
    badRequest(
      "The pagination cursor does not belong to this request.",
      errors: [.init(code: "INVALID_CURSOR", field: "cursor", message: "cursor belongs to \(owner).")])
  }

  /// The page size a list request asks for with `max` (a positive integer), or `default`.
  static func pageSize(_ request: SimRequest, default size: Int) throws -> Int {
    guard let max = request.queryValue("max") else { return size }
    guard let value = Int(max), value > 0 else {
      throw badRequest(
        "Invalid max.",
        errors: [.init(code: "INVALID_VALUE", field: "max", message: "max must be a positive integer.")])
    }
    return value
  }

  static func forbidden(_ detail: String) -> APIError {
    APIError(status: 403, title: "Forbidden", detail: detail)
  }

  /// The problem document for `instance`.
  func problem(instance: String) -> JSONValue {
    var doc = JSONObject()
    doc["type"] = "about:blank"
    doc["title"] = .string(title)
    doc["status"] = .int(status)
    doc["detail"] = .string(detail)
    doc["instance"] = .string(instance)
    if !errors.isEmpty {
      doc["errors"] = .array(
        errors.map {
          .object([
            ("code", .string($0.code)), ("field", .string($0.field)), ("message", .string($0.message)),
          ])
        })
    }
    return doc.value
  }

  func response(instance: String) -> SimResponse {
    SimResponse(
      status: status, body: JSONWriter.serialize(problem(instance: instance)),
      contentType: "application/problem+json")
  }
}
