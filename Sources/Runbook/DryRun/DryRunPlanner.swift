import Dispatch
import Foundation
import LuaHost
import ThousandEyes

/// The dry-run planner (docs/architecture.md, "Dry run and apply"): records every write the `te` module hands it,
/// reads the object an update or delete touches (live, for the diff and for drift detection at
/// apply), and answers the runbook with a plausible result so that it runs to the end.
///
/// - A create answers with the request body plus the fields the API would assign; ids and
///   dates among them are placeholder tokens (see ``Placeholders``).
/// - An update answers with the current object merged with the changes.
/// - A delete answers with nothing.
///
/// It runs on the run's Lua thread and blocks it while reading an object.
public final class DryRunPlanner: TEWritePlanner {
  private let client: ThousandEyesClient
  /// The writes recorded so far, in order.
  public private(set) var writes: [PlannedWrite] = []
  /// The planned result of each create, by the placeholder token of its id.
  private var plannedObjects: [String: PlanJSON] = [:]
  /// The planned result of each create and update, by write index.
  private var results: [Int: PlanJSON] = [:]
  /// The names of objects the run read, for showing ids in diffs (see ``PlanDiff/collectNames``).
  private var seenNames: [String: String] = [:]
  /// The ids of each collection writes refer to, by collection and account group (see
  /// ``References``), read once per run.
  private var knownIds: [String: Set<String>] = [:]
  /// Writes the API would refuse, in order: a plan with any is not saved.
  public private(set) var refusals: [BodyValidationError] = []

  /// Creates a planner that reads current objects through `client`.
  public init(client: ThousandEyesClient) {
    self.client = client
  }

  public func plan(_ request: APIRequest, operation: ThousandEyes.Operation) throws -> [UInt8]? {
    let index = writes.count + 1
    let action = Self.action(of: operation)
    let body: PlanJSON?
    if let bytes = request.body, !bytes.isEmpty {
      do {
        body = try PlanJSON.decode(bytes)
      } catch {
        throw LuaScriptError(
          "dry-run: the body of \(request.method.rawValue) \(request.path) is not valid JSON")
      }
    } else {
      body = nil
    }
    let query = request.query.map { PlanQueryItem(name: $0.name, value: $0.value) }
    var write = PlannedWrite(
      index: index, action: action, operationId: operation.id, objectKind: operation.objectKind,
      method: request.method.rawValue, pathTemplate: operation.path, path: request.path, query: query,
      body: body, objectId: nil, objectName: nil, snapshot: nil, fingerprint: nil, changes: nil,
      produces: [], consumes: Placeholders.consumed(path: request.path, query: query, body: body),
      naturalKey: nil)

    try checkReferences(operation, body: body, aid: request.queryValue("aid"), write: write)
    var result: PlanJSON?
    switch action {
    case .create:
      let created = Self.created(body, operation: operation, write: index)
      write.produces = created.produces
      write.objectName = Self.name(of: body)
      result = created.object
      for record in created.produces where Self.isIdentifier(record.field) {
        plannedObjects[record.token] = created.object
      }
      if var key = NaturalKey.of(operation, path: request.path, body: body), key.isCheckable {
        key.existing = try existingMatches(key, aid: request.queryValue("aid"), write: write)
        if key.isUniqueInAPI {
          let deleted = Set(writes.filter { $0.action == .delete }.compactMap(\.objectId))
          let clashing =
            key.isCaseSensitiveInAPI
            ? try existingMatches(key, aid: request.queryValue("aid"), write: write, exact: true)
            : key.existing
          let taken = clashing.filter { !deleted.contains($0) }
          if !taken.isEmpty {
            throw key.duplicate(kind: operation.objectKind, ids: taken)
          }
          let aid = request.queryValue("aid")
          if let earlier = writes.first(where: {
            $0.naturalKey.map(key.collides) == true
              && $0.query.first(where: { $0.name == "aid" })?.value == aid
          }) {
            throw key.duplicate(kind: operation.objectKind, ids: [], write: earlier.index)
          }
        }
        write.naturalKey = key
      }
    case .update, .delete:
      write.objectId = Self.objectId(path: request.path, template: operation.path)
      let current = try currentObject(request, write: write)
      if let current {
        if current.live {
          write.snapshot = current.value
          write.fingerprint = PlanHash.fingerprint(current.value)
        }
        write.objectName = Self.name(of: current.value) ?? Self.name(of: body)
      } else {
        write.objectName = Self.name(of: body)
      }
      if action == .update {
        // A new email or name that another object has: the API would refuse it.
        if var key = NaturalKey.ofUpdate(operation, path: request.path, body: body), key.isCheckable,
          let field = key.fields.keys.first,
          current?.value[field].flatMap(\.stringValue)?.caseInsensitiveCompare(
            key.fields[field]?.stringValue ?? "")
            != .orderedSame
        {
          key.existing = try existingMatches(key, aid: request.queryValue("aid"), write: write, exact: true)
          let deleted = Set(writes.filter { $0.action == .delete }.compactMap(\.objectId))
          let taken = key.existing.filter { $0 != write.objectId && !deleted.contains($0) }
          if !taken.isEmpty { throw key.duplicate(kind: operation.objectKind, ids: taken) }
        }
        write.changes = PlanDiff.changes(
          from: current?.value, to: body, operation: operation, names: seenNames)
        result = Self.merged(current?.value, body)
        // A PUT or PATCH that changes nothing is no change: it is answered, not planned.
        if current != nil, operation.method != .post, write.changes?.isEmpty == true {
          return result.map { $0.encoded() }
        }
        if let current, !current.live, let token = write.consumes.first(where: { request.path.contains($0) }),
          let merged = result
        {
          plannedObjects[token] = merged
        }
      }
    }
    writes.append(write)
    if let result { results[index] = result }
    return result.map { $0.encoded() }
  }

  public func refused(_ failure: BodyValidationError) {
    refusals.append(failure)
  }

  // MARK: Reads that see the plan

  /// A GET of an object created earlier in the plan (its path ends with the placeholder of its
  /// id) answers with the planned object; other reads naming a placeholder stop with a clear
  /// error, since the object exists only after apply. `nil`: send the read.
  public func answer(_ request: APIRequest) throws -> [UInt8]? {
    guard request.method == .get, let token = Placeholders.tokens(in: request.path).last else { return nil }
    if request.path.hasSuffix("/" + token), let object = plannedObjects[token] {
      return object.encoded()
    }
    throw LuaScriptError(
      "dry-run: GET \(Placeholders.displayed(request.path)) reads an object planned in this run, "
        + "which exists only after apply")
  }

  /// A read's response amended with the planned writes: a GET of an object updated in the plan
  /// shows the update; a collection drops planned deletes, shows planned updates, and its last
  /// page lists planned creates. Bodies no planned write touches are returned as they are.
  public func amend(_ body: [UInt8], of request: APIRequest, collectionKey: String?) -> [UInt8] {
    noteNames(body, of: request)
    guard request.method == .get, !writes.isEmpty else { return body }
    let base = request.path
    let aid = request.queryValue("aid")
    let relevant = writes.filter {
      ($0.path == base || $0.path.hasPrefix(base + "/"))
        && $0.query.first(where: { $0.name == "aid" })?.value == aid
    }
    guard !relevant.isEmpty, case .object(var fields)? = try? PlanJSON.decode(body) else { return body }
    if let update = relevant.last(where: { $0.action == .update && $0.path == base }),
      let result = results[update.index]
    {
      return result.encoded()
    }
    guard let key = collectionKey ?? Catalog.match(method: .get, path: base)?.collectionKey,
      case .array(var items)? = fields[key]
    else { return body }
    for write in relevant where write.action != .create {
      guard let id = write.objectId, write.path.hasSuffix("/" + id) else { continue }
      let matches: (PlanJSON) -> Bool = { item in
        (item.objectValue ?? [:]).contains { Self.isIdentifier($0.key) && $0.value.identifierText == id }
      }
      if write.action == .delete {
        items.removeAll(where: matches)
      } else if case .object(let changes)? = write.body {
        items = items.map { item in
          guard matches(item), case .object(var itemFields) = item else { return item }
          for (name, value) in changes { itemFields[name] = value }
          return .object(itemFields)
        }
      }
    }
    if fields["_links"]?["next"] == nil {
      for write in relevant where write.action == .create {
        if let result = results[write.index] { items.append(result) }
      }
    }
    fields[key] = .array(items)
    return PlanJSON.object(fields).encoded()
  }

  /// Remembers the names of the objects a read returned (agents, alert rules, labels, ...), so
  /// that a diff can show an added id by name. Results and large bodies are skipped.
  private func noteNames(_ body: [UInt8], of request: APIRequest) {
    guard request.method == .get, body.count <= 4 << 20, !request.path.hasPrefix("/test-results"),
      let value = try? PlanJSON.decode(body)
    else { return }
    PlanDiff.collectNames(value, into: &seenNames)
    // One object (`GET /agents/62`): named under its collection's list (`agents|62`).
    let segments = request.path.split(separator: "/")
    if segments.count >= 2, case .object(let fields) = value {
      let list = String(segments[segments.count - 2])
      if let id = Normalized.identity(fields, name: list), id == String(segments.last!),
        let name = DryRunPlanner.name(of: value)
      {
        seenNames[list + "|" + id] = name
      }
    }
  }

  /// The plan of the run so far.
  public func makePlan(
    source: RunbookSource, parameters: [String: ParameterValue], createdAt: Date = Date()
  ) -> Plan {
    Plan(
      runbook: PlanRunbook(name: source.displayName, source: source.bytes),
      parameters: parameters.mapValues(Self.json), baseUrl: client.configuration.baseURL.absoluteString,
      aid: client.configuration.aid, writes: writes, createdAt: createdAt)
  }

  // MARK: Classification

  /// DELETE deletes; PUT and PATCH update; a POST creates when its operation is a `create...`,
  /// and otherwise acts on existing objects (run, assign, enable, ...), shown as an update.
  static func action(of operation: ThousandEyes.Operation) -> WriteAction {
    switch operation.method {
    case .delete: return .delete
    case .put, .patch, .get: return .update
    case .post: return operation.id.hasPrefix("create") ? .create : .update
    }
  }

  /// Whether a response field is an id the server assigns.
  static func isIdentifier(_ field: String) -> Bool {
    field == "id" || field == "uid" || field == "aid" || field.hasSuffix("Id")
  }

  /// Whether a response field is a date the server sets.
  static func isServerDate(_ field: String) -> Bool {
    field.hasSuffix("Date") || field == "dateRegistered" || field == "lastLogin"
  }

  // MARK: Results

  /// The planned result of a create: the body, plus a placeholder for each id or date the
  /// response carries and the request did not set.
  static func created(_ body: PlanJSON?, operation: ThousandEyes.Operation, write: Int)
    -> (object: PlanJSON?, produces: [PlaceholderRecord])
  {
    guard case .object(var fields)? = body ?? .object([:]) else { return (body, []) }
    var produces: [PlaceholderRecord] = []
    for field in operation.responseFields where fields[field] == nil {
      if isIdentifier(field) || isServerDate(field) {
        let token = Placeholders.token(write: write, field: field)
        fields[field] = .string(token)
        produces.append(PlaceholderRecord(token: token, field: field))
      }
    }
    return (.object(fields), produces)
  }

  /// The ids of the objects that have `key` now (live).
  /// Throws ``PlanTimeRefusal`` when the body names an agent, alert rule, role or account
  /// group that does not exist (the API's `INVALID_VALUE`), as apply would meet it.
  private func checkReferences(
    _ operation: ThousandEyes.Operation, body: PlanJSON?, aid: String?, write: PlannedWrite
  ) throws {
    let references = References.of(operation, body: body)
    guard !references.isEmpty else { return }
    var problems: [BodyValidator.Problem] = []
    for reference in references {
      let collection = reference.collection
      let cacheKey = collection.path + "|" + (collection.scoped ? aid ?? "" : "")
      if knownIds[cacheKey] == nil {
        let client = self.client
        do {
          knownIds[cacheKey] = try Blocking.wait {
            try await References.ids(of: collection, aid: aid, client: client)
          }
        } catch {
          throw LuaScriptError(
            "dry-run: cannot read \(collection.path) to check \(reference.field) \(reference.id): \(error)")
        }
      }
      let deletedEarlier = writes.contains {
        $0.action == .delete && $0.objectId == reference.id && $0.path.hasPrefix(collection.path + "/")
      }
      if knownIds[cacheKey]?.contains(reference.id) != true || deletedEarlier {
        problems.append(
          BodyValidator.Problem(
            field: reference.field, code: "INVALID_VALUE",
            message: "\(collection.noun) \(reference.id) does not exist."))
      }
    }
    if !problems.isEmpty { throw PlanTimeRefusal(problems: problems) }
  }

  private func existingMatches(_ key: NaturalKey, aid: String?, write: PlannedWrite, exact: Bool = false)
    throws
    -> [String]
  {
    let client = self.client
    do {
      return try Blocking.wait { try await key.currentMatches(client: client, aid: aid, exact: exact) }
    } catch {
      throw LuaScriptError(
        "dry-run: cannot read \(key.collectionPath) to check for an existing "
          + "\(key.describe(kind: write.objectKind)): \(error)")
    }
  }

  /// The current object with the top-level fields of `changes` applied.
  static func merged(_ current: PlanJSON?, _ changes: PlanJSON?) -> PlanJSON? {
    guard case .object(var fields)? = current, case .object(let updates)? = changes else {
      return changes ?? current
    }
    for (name, value) in updates { fields[name] = value }
    return .object(fields)
  }

  /// The object's display name: `name`, `testName`, `ruleName`, ..., or any `...Name` field.
  static func name(of value: PlanJSON?) -> String? {
    guard let fields = value?.objectValue else { return nil }
    for key in ["name", "testName", "ruleName", "accountGroupName", "roleName", "agentName", "windowName"] {
      if let text = fields[key]?.stringValue { return text }
    }
    for key in fields.keys.sorted() where key.hasSuffix("Name") {
      if let text = fields[key]?.stringValue { return text }
    }
    return nil
  }

  /// A parameter value as plan JSON: integers stay integers, lists become arrays.
  public static func json(_ value: ParameterValue) -> PlanJSON {
    switch value {
    case .string(let text), .path(let text): return .string(text)
    case .integer(let number): return .integer(number)
    case .number(let number): return .number(number)
    case .boolean(let flag): return .bool(flag)
    case .list(let items): return .array(items.map { .string($0) })
    }
  }

  // MARK: Reading current objects

  /// The object an update or delete touches: the planned object when it was created or updated
  /// earlier in this plan, else a live GET of the same path (with the request's `aid`), `_links` removed.
  /// `nil` when the catalog has no read for the path.
  private func currentObject(_ request: APIRequest, write: PlannedWrite) throws -> (
    value: PlanJSON, live: Bool
  )? {
    if let token = write.consumes.first(where: { request.path.contains($0) }) {
      return plannedObjects[token].map { ($0, false) }
    }
    // Updated earlier in this plan: the diff is against the planned state, and apply checks
    // drift at that earlier write (the object will have changed by this one).
    if let earlier = writes.last(where: { $0.path == request.path && $0.action == .update }),
      let result = results[earlier.index]
    {
      return (result, false)
    }
    guard let operation = Catalog.match(method: request.method, path: request.path),
      let read = Self.readRequest(path: request.path, aid: request.queryValue("aid"), for: operation)
    else {
      return nil
    }
    let client = self.client
    let bytes: [UInt8]
    do {
      bytes = try Blocking.wait { try await client.send(read).body }
    } catch {
      throw LuaScriptError(
        "dry-run: cannot read \(write.objectKind) \(write.objectId ?? request.path) before planning "
          + "\(write.action.rawValue) (\(request.method.rawValue) /v7\(request.path)): \(error)")
    }
    guard let value = try? PlanJSON.decode(bytes) else { return nil }
    return (Self.withoutLinks(value), true)
  }

  /// The read of the object a write of `operation` at `path` touches, as the planner takes
  /// its snapshot and apply checks it again: a GET of the same path with the same `aid`, and
  /// `expand=agent` when the write's body takes agents (a test's agents are listed only then).
  /// `nil` when the catalog has no read for the path.
  public static func readRequest(path: String, aid: String?, for operation: ThousandEyes.Operation)
    -> APIRequest?
  {
    // Only a read of the write's own path: `POST /tags/unassign` must not be read as the tag
    // `unassign` (`GET /tags/{id}`), nor `POST /tags/{id}/assign` as anything.
    guard let reader = Catalog.match(method: .get, path: path), reader.access == .read,
      Self.sameTemplate(reader.path, operation.path)
    else { return nil }
    var read = APIRequest(.get, path)
    if let aid { read = read.settingQuery("aid", to: aid) }
    if reader.queryParameters.contains("expand"), operation.requestFields?.contains("agents") == true {
      read = read.settingQuery("expand", to: "agent")
    }
    return read
  }

  /// Whether two path templates are the same path, whatever their parameters are called.
  static func sameTemplate(_ a: String, _ b: String) -> Bool {
    func shape(_ template: String) -> [Substring] {
      template.split(separator: "/").map { $0.hasPrefix("{") ? "{}" : $0 }
    }
    return shape(a) == shape(b)
  }

  /// The id of the object a write at `path` acts on: the path's last parameter
  /// (`/tags/{id}/assign` acts on tag `id`), `nil` when the template has none.
  static func objectId(path: String, template: String) -> String? {
    let parts = path.split(separator: "/")
    let segments = template.split(separator: "/")
    guard parts.count == segments.count,
      let last = segments.lastIndex(where: { $0.hasPrefix("{") })
    else { return nil }
    return String(parts[last])
  }

  /// `value` without its top-level `_links`.
  static func withoutLinks(_ value: PlanJSON) -> PlanJSON {
    guard case .object(var fields) = value else { return value }
    fields["_links"] = nil
    return .object(fields)
  }
}

/// Runs async work from a thread that is not a Swift concurrency thread and waits for it.
enum Blocking {
  private final class Outcome<T>: @unchecked Sendable {
    var result: Result<T, Error>?
  }

  static func wait<T>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let semaphore = DispatchSemaphore(value: 0)
    let outcome = Outcome<T>()
    Task {
      do {
        outcome.result = .success(try await work())
      } catch {
        outcome.result = .failure(error)
      }
      semaphore.signal()
    }
    semaphore.wait()
    return try outcome.result!.get()
  }
}
