import ThousandEyes

/// Decides what happens to a write request during a dry run (DESIGN.md, "Dry-run").
///
/// The `te` module sends reads and hands every write to the planner instead of the API.
/// The planner records it and returns the JSON body the runbook should see as the result
/// (for a create, the object with values the API would assign shown as placeholders).
public protocol TEWritePlanner: AnyObject {
  /// Records `request` (classified by `operation`) and returns the response body the
  /// runbook sees, or `nil` for none.
  func plan(_ request: APIRequest, operation: ThousandEyes.Operation) throws -> [UInt8]?
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
