/// An HTTP method used by the ThousandEyes API v7.
public enum HTTPMethodName: String, Sendable, Hashable, CaseIterable {
  case get = "GET"
  case post = "POST"
  case put = "PUT"
  case patch = "PATCH"
  case delete = "DELETE"

  /// Whether repeating the request has the same effect as sending it once (RFC 9110).
  ///
  /// Only idempotent requests are retried after a 5xx response or a failure whose outcome is
  /// unknown.
  public var isIdempotent: Bool {
    switch self {
    case .get, .put, .delete: return true
    case .post, .patch: return false
    }
  }

  /// Parses a method name, ignoring case.
  public init?(name: String) {
    self.init(rawValue: name.uppercased())
  }
}

/// Whether an operation only reads, or changes something on the server.
///
/// A dry-run sends reads and records writes (see docs/architecture.md, "Dry run and apply").
public enum OperationAccess: String, Sendable, Hashable {
  case read
  case write
}

/// One operation of the ThousandEyes API v7, as described by its OpenAPI document.
public struct Operation: Sendable, Hashable {
  /// The spec's `operationId`, e.g. `getAgentToServerTest`.
  public let id: String
  /// The HTTP method.
  public let method: HTTPMethodName
  /// The path template relative to `/v7`, e.g. `/tests/agent-to-server/{testId}`.
  public let path: String
  /// The names of the path template's parameters, in template order.
  public let pathParameters: [String]
  /// The names of the query parameters the operation accepts (`aid`, `window`, `cursor`, ...).
  public let queryParameters: [String]
  /// Read or write, for dry-runs.
  public let access: OperationAccess
  /// Whether the operation takes a `cursor` and answers with `_links.next`.
  public let isPaginated: Bool
  /// The property of a paginated response holding its items (`results`, `agents`, ...).
  public let collectionKey: String?
  /// The thousandeyes-cli overlay's command path, e.g. `tests/agent-to-server/update`.
  public let command: String
  /// A human name of the object the operation deals with, e.g. `agent-to-server test`.
  public let objectKind: String
  /// Whether the operation counts against the instant-test rate-limit budget.
  public let isInstantTest: Bool
  /// The first tag of the operation in the spec, e.g. `Agent to Server Tests`.
  public let tag: String
  /// The writable top-level fields of the JSON request body, or `nil` when it takes none.
  public let requestFields: [String]?
  /// The top-level fields of the success response's object.
  public let responseFields: [String]

  /// Creates an operation description; the generated catalog is the usual source.
  public init(
    id: String, method: HTTPMethodName, path: String, pathParameters: [String],
    queryParameters: [String], access: OperationAccess, isPaginated: Bool, collectionKey: String?,
    command: String, objectKind: String, isInstantTest: Bool, tag: String, requestFields: [String]? = nil,
    responseFields: [String] = []
  ) {
    self.id = id
    self.method = method
    self.path = path
    self.pathParameters = pathParameters
    self.queryParameters = queryParameters
    self.access = access
    self.isPaginated = isPaginated
    self.collectionKey = collectionKey
    self.command = command
    self.objectKind = objectKind
    self.isInstantTest = isInstantTest
    self.tag = tag
    self.requestFields = requestFields
    self.responseFields = responseFields
  }
}
