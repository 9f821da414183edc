import ThousandEyes

/// The whole-plan check apply makes before it sends anything: every write must be what its
/// `operationId` says, so that a plan edited by hand (or by mistake) cannot do something else
/// than it shows.
///
/// For each write, in order:
/// - `index` is its 1-based position;
/// - `operationId` is an operation of the catalog that writes, and `method`, `pathTemplate`
///   and `action` are that operation's;
/// - `path` matches the template, and no other operation matches it better; each of its
///   parameters is a plain identifier (``pathProblem(_:for:)``), so that no query, escape, dot
///   segment or other origin rides in it; `objectId` is the path's last parameter;
/// - its query names only parameters the operation takes, each once;
/// - a create whose body has a natural key (``NaturalKey``) carries that key;
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
      if let problem = pathProblem(write.path, for: operation) {
        throw fail("its path \(Placeholders.displayed(write.path)) \(problem)")
      }
      if let problem = queryProblem(write.query, for: operation) {
        throw fail(problem)
      }
      // The planner names the object of an update or delete by its path's last parameter
      // (`/tags/{id}/assign` acts on tag `id`).
      let lastParameter =
        DryRunPlanner.action(of: operation) == .create
        ? nil : DryRunPlanner.objectId(path: write.path, template: operation.path)
      if write.objectId != lastParameter {
        throw fail(
          "its objectId is \(write.objectId.map { "'\($0)'" } ?? "absent"), but its path names "
            + (lastParameter.map { "'\($0)'" } ?? "no object"))
      }
      if let id = write.objectId, let parameter = operation.pathParameters.last,
        operation.path.hasSuffix("{\(parameter)}"), let recorded = write.snapshot?[parameter],
        recorded.identifierText != id
      {
        throw fail("its snapshot is of \(parameter) \(recorded.jsonText), but its path names '\(id)'")
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
      if write.action == .create, let key = NaturalKey.of(operation, path: write.path, body: write.body),
        key.isCheckable, !key.sameKey(as: write.naturalKey)
      {
        throw fail(
          "it creates \(key.describe(kind: operation.objectKind, article: true)) but does not carry that natural key, "
            + "so apply could not check that no such object appeared since the plan")
      }
      if let shown = write.changes, let snapshot = write.snapshot,
        let differing = changesProblem(shown, snapshot: snapshot, body: write.body, operation: operation)
      {
        throw fail(differing)
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

extension PlanConsistency {
  /// Why `path` is not a concrete path of `operation`'s template, or `nil` when it is.
  ///
  /// It must start with `/` and have the template's segments: each literal as the template has
  /// it, each parameter non-empty and made only of letters, digits, `-`, `_`, `.` and `~`
  /// (placeholder tokens fit), and never `.` or `..`. So nothing can ride in a path: no query
  /// (`?aid=`), fragment, percent escape, dot segment (`/tests/1/../../users`), empty segment,
  /// `/v7` prefix or other origin.
  public static func pathProblem(_ path: String, for operation: ThousandEyes.Operation) -> String? {
    let template = operation.path.split(separator: "/", omittingEmptySubsequences: false)
    let segments = path.split(separator: "/", omittingEmptySubsequences: false)
    guard path.hasPrefix("/"), segments.count == template.count else {
      return "does not have the segments of \(operation.id)'s template \(operation.path)"
    }
    for (pattern, segment) in zip(template, segments).dropFirst() {
      if pattern.hasPrefix("{") && pattern.hasSuffix("}") {
        guard !segment.isEmpty, segment != ".", segment != "..",
          segment.unicodeScalars.allSatisfy({ identifierCharacters.contains($0) })
        else {
          return "has '\(segment)' for \(pattern), which is not a plain identifier "
            + "(letters, digits, '-', '_', '.', '~')"
        }
      } else if pattern != segment {
        return "has '\(segment)' where \(operation.id)'s template \(operation.path) has '\(pattern)'"
      }
    }
    return nil
  }

  /// Why the changes a write shows (what `terun show` and the review saw) are not what its
  /// body does to its snapshot, or `nil` when they are. Items added to or removed from a list
  /// are compared by number, as the plan may show them by a name the snapshot does not hold.
  static func changesProblem(
    _ shown: [FieldChange], snapshot: PlanJSON, body: PlanJSON?, operation: ThousandEyes.Operation
  ) -> String? {
    let actual = PlanDiff.changes(from: snapshot, to: body, operation: operation)
    let key = { (change: FieldChange) in
      [
        change.field, change.before?.jsonText ?? "-", change.after?.jsonText ?? "-",
        "\(change.hidden ?? false)", "\(change.added?.count ?? 0)", "\(change.removed?.count ?? 0)",
      ]
    }
    let expected = actual.map(key).sorted { $0.lexicographicallyPrecedes($1) }
    let recorded = shown.map(key).sorted { $0.lexicographicallyPrecedes($1) }
    guard expected != recorded else { return nil }
    let sends = actual.flatMap(\.lines).joined(separator: "; ")
    return "the changes it shows are not what its body does to the object "
      + "(the body \(sends.isEmpty ? "changes nothing" : "makes: " + sends))"
  }

  /// Why `query` is not one `operation` takes (an unknown or repeated name), or `nil`.
  static func queryProblem(_ query: [PlanQueryItem], for operation: ThousandEyes.Operation) -> String? {
    var names: Set<String> = []
    for item in query {
      guard operation.queryParameters.contains(item.name) else {
        let known =
          operation.queryParameters.isEmpty ? "none" : operation.queryParameters.joined(separator: ", ")
        return "its query parameter '\(item.name)' is not one \(operation.id) takes (it takes: \(known))"
      }
      guard names.insert(item.name).inserted else {
        return "its query parameter '\(item.name)' is given twice"
      }
    }
    return nil
  }

  private static let identifierCharacters = Set(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~".unicodeScalars)
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
