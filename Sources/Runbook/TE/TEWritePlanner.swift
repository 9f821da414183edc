import ThousandEyes

/// Decides what happens to a write request during a dry run (docs/architecture.md, "Dry run and apply").
///
/// The `te` module sends reads and hands every write to the planner instead of the API.
/// The planner records it and returns the JSON body the runbook should see as the result
/// (for a create, the object with values the API would assign shown as placeholders).
public protocol TEWritePlanner: AnyObject {
  /// Records `request` (classified by `operation`) and returns the response body the
  /// runbook sees, or `nil` for none.
  func plan(_ request: APIRequest, operation: ThousandEyes.Operation) throws -> [UInt8]?

  /// A read, before it is sent: the body to answer with instead (an object planned earlier in
  /// the run), or `nil` to send it.
  func answer(_ request: APIRequest) throws -> [UInt8]?

  /// A read's response body (one page of a collection, or an object), amended so that the
  /// runbook sees the writes planned so far. `collectionKey` names the page's items, if known.
  func amend(_ body: [UInt8], of request: APIRequest, collectionKey: String?) -> [UInt8]

  /// A write the API would refuse (its body does not fit the request schema). It was not
  /// planned; the runbook got the error, and may have caught it.
  func refused(_ failure: BodyValidationError)
}

extension TEWritePlanner {
  /// Sends every read.
  public func answer(_ request: APIRequest) throws -> [UInt8]? { nil }

  /// Forgets refused writes.
  public func refused(_ failure: BodyValidationError) {}

  /// Leaves reads as the API answered them.
  public func amend(_ body: [UInt8], of request: APIRequest, collectionKey: String?) -> [UInt8] { body }
}

/// The planner used when none is given: it logs each write on stderr and answers with the
/// request body (or nothing for a DELETE), so runbooks can go on.
public final class LoggingWritePlanner: TEWritePlanner {
  private let logger: RunLogger
  /// The writes seen so far, in order.
  public private(set) var planned: [APIRequest] = []

  /// Creates a planner that logs through `logger`.
  public init(logger: RunLogger) {
    self.logger = logger
  }

  public func plan(_ request: APIRequest, operation: ThousandEyes.Operation) throws -> [UInt8]? {
    planned.append(request)
    let query = request.encodedQuery
    logger.log(
      .info,
      "dry-run: would \(request.method.rawValue) \(request.path)\(query.isEmpty ? "" : "?" + query) "
        + "(\(operation.id), \(operation.objectKind))")
    return request.method == .delete ? nil : request.body
  }
}
