import ThousandEyes

/// The whole-plan check apply makes before it sends anything: every write must be what its
/// `operationId` says, so that a plan edited by hand (or by mistake) cannot do something else
/// than it shows.
///
/// For each write, in order:
/// - `index` is its 1-based position;
/// - `operationId` is an operation of the catalog that writes, and `method`, `pathTemplate`
///   and `action` are that operation's;
/// - `path` matches the template, and no other operation matches it better;
/// - an update or delete carries the `snapshot` apply checks drift against, unless its object
///   is created or updated earlier in the plan, or the catalog has no read for it;
/// - the placeholders it uses are produced by earlier writes;
/// - its body fits the operation's request schema (``BodyValidator``).
public enum PlanConsistency {
  /// Throws ``PlanInconsistencyError`` (exit 2) naming the first write that does not hold together.
  public static func check(_ plan: Plan) throws {
    var produced: Set<String> = []
    var touched: Set<String> = []
    for (position, write) in plan.writes.enumerated() {
      let fail = { (reason: String) in PlanInconsistencyError(write: write.index, reason: reason) }
      guard write.index == position + 1 else {
        throw fail("its index is \(write.index), but it is write \(position + 1) of the plan")
      }
      guard let operation = Catalog.operation(id: write.operationId) else {
        throw fail("operationId '\(write.operationId)' is not an operation of the API")
      }
      guard operation.access == .write else {
        throw fail("\(operation.id) reads; a plan holds only writes")
      }
      guard write.method == operation.method.rawValue else {
        throw fail(
          "its method is \(write.method), but \(operation.id) is \(operation.method.rawValue) \(operation.path)"
        )
      }
      guard write.pathTemplate == operation.path else {
        throw fail(
          "its pathTemplate is \(write.pathTemplate), but \(operation.id) is \(operation.method.rawValue) \(operation.path)"
        )
      }
      guard let method = HTTPMethodName(name: write.method),
        Catalog.match(method: method, path: write.path)?.id == operation.id
      else {
        throw fail(
          "its path \(Placeholders.displayed(write.path)) does not match \(operation.id)'s template \(operation.path)"
        )
      }
      let action = DryRunPlanner.action(of: operation)
      guard write.action == action else {
        throw fail("it says '\(write.action.rawValue)', but \(operation.id) is a \(action.rawValue)")
      }
      for token in write.consumes where !produced.contains(token) {
        throw fail("it uses \(token), which no earlier write produces")
      }
      for token in Placeholders.consumed(path: write.path, query: write.query, body: write.body)
      where !write.consumes.contains(token) {
        throw fail("it uses \(token) without listing it in 'consumes'")
      }
      if write.action != .create, write.snapshot == nil, write.consumes.isEmpty,
        !touched.contains(write.path),
        DryRunPlanner.readRequest(path: write.path, aid: nil, for: operation) != nil
      {
        throw fail(
          "it \(write.action.rawValue)s \(write.path) but carries no snapshot to check drift against")
      }
      let problems = BodyValidator.problems(write.body, for: operation)
      if !problems.isEmpty {
        throw fail(
          "its body would be refused by the API: " + problems.map(\.description).joined(separator: "; "))
      }
      produced.formUnion(write.produces.map(\.token))
      touched.insert(write.path)
    }
  }
}

/// A plan whose writes do not hold together (exit 2); nothing was sent.
public struct PlanInconsistencyError: TerunFailure, CustomStringConvertible {
  /// The write's index.
  public var write: Int
  /// What is wrong with it.
  public var reason: String

  public var exitStatus: ExitStatus { .usage }

  public var message: String {
    "inconsistent plan: write \(write): \(reason). Nothing was sent; make a new plan."
  }

  public var description: String { message }
}
