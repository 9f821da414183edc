import Foundation
import ThousandEyes

/// What makes a created object unique to people, where the catalog knows it: a user's email,
/// a test's name (within its type), an alert rule's, role's or suppression window's name.
///
/// The planner records, with each such create, the ids of the objects that already had the
/// key; apply reads the collection again and stops (exit 5) when another one has appeared
/// since, rather than make a duplicate.
public struct NaturalKey: Codable, Equatable, Sendable {
  /// The collection read to find objects with the key, relative to `/v7` (e.g. `/users`).
  public var collectionPath: String
  /// The member of the collection's response that lists the objects (e.g. `users`).
  public var collectionKey: String
  /// The id member of an object (e.g. `uid`).
  public var idField: String
  /// The key: member names and values (e.g. `email`).
  public var fields: [String: PlanJSON]
  /// The ids of the objects that had the key when the plan was made.
  public var existing: [String]

  /// The key of a create of `operation` with `body`, or `nil` when it has none (the ids not yet read).
  static func of(_ operation: ThousandEyes.Operation, path: String, body: PlanJSON?) -> NaturalKey? {
    guard operation.method == .post, let fields = body?.objectValue else { return nil }
    let known: (names: [String], id: String, key: String)?
    switch operation.id {
    case "createUser": known = (["email"], "uid", "users")
    case "createRole": known = (["name"], "roleId", "roles")
    case "createAlertRule": known = (["ruleName"], "ruleId", "alertRules")
    case "createAlertSuppressionWindow":
      known = (["name"], "alertSuppressionWindowId", "alertSuppressionWindows")
    default:
      // POST /tests/{type}: a test's name within its type (the path names the type).
      let isTestCreate =
        operation.path.hasPrefix("/tests/") && operation.pathParameters.isEmpty
        && operation.path.split(separator: "/").count == 2 && operation.id.hasSuffix("Test")
      known = isTestCreate ? (["testName"], "testId", "tests") : nil
    }
    guard let known else { return nil }
    var key: [String: PlanJSON] = [:]
    for name in known.names {
      guard let value = fields[name], value.stringValue != nil else { return nil }
      key[name] = value
    }
    return NaturalKey(
      collectionPath: path, collectionKey: known.key, idField: known.id, fields: key, existing: [])
  }

  /// The key an update of `operation` gives its object, where the API refuses duplicates and
  /// `body` sets it (`PUT /users/{id}` with an `email`), read from the object's collection
  /// (the path without its id); `nil` otherwise.
  static func ofUpdate(_ operation: ThousandEyes.Operation, path: String, body: PlanJSON?) -> NaturalKey? {
    guard operation.method == .put, operation.pathParameters.count == 1, let fields = body?.objectValue,
      let slash = path.lastIndex(of: "/")
    else { return nil }
    let known: (name: String, id: String, key: String)?
    switch operation.id {
    case "updateUser": known = ("email", "uid", "users")
    case "updateRole": known = ("name", "roleId", "roles")
    default:
      let isTestUpdate =
        operation.path.hasPrefix("/tests/") && operation.pathParameters == ["testId"]
        && operation.path.split(separator: "/").count == 3
      known = isTestUpdate ? ("testName", "testId", "tests") : nil
    }
    guard let known, let value = fields[known.name], value.stringValue != nil else { return nil }
    return NaturalKey(
      collectionPath: String(path[..<slash]), collectionKey: known.key, idField: known.id,
      fields: [known.name: value], existing: [])
  }

  /// Whether the API refuses a second object with the key (a user's email, a role's name, a
  /// test's name), so that a create whose key is taken would fail at apply.
  var isUniqueInAPI: Bool { ["users", "roles", "tests"].contains(collectionKey) }

  /// The API's 400 for a create whose key is taken by `ids` (or by write `write` of the plan).
  func duplicate(kind: String, ids: [String], write: Int? = nil) -> PlanTimeRefusal {
    let field = fields.keys.sorted().first ?? ""
    let by = write.map { "write \($0) of this plan creates it" } ?? "id \(ids.joined(separator: ", "))"
    return PlanTimeRefusal(problems: [
      BodyValidator.Problem(
        field: field, code: "DUPLICATE",
        message:
          "\(describe(kind: kind, article: true)) already exists (\(by))")
    ])
  }

  /// Whether apply can check the key before the write: neither the key's values nor its
  /// collection depend on a value known only after apply.
  var isCheckable: Bool {
    Placeholders.tokens(in: collectionPath).isEmpty
      && fields.values.allSatisfy { Placeholders.tokens(in: $0.stringValue ?? "").isEmpty }
  }

  /// Whether `other` is this key (the same collection, id member and values), whatever ids
  /// it lists as existing.
  func sameKey(as other: NaturalKey?) -> Bool {
    guard let other else { return false }
    return collectionPath == other.collectionPath && collectionKey == other.collectionKey
      && idField == other.idField && fields == other.fields
  }

  /// Whether the API tells keys apart by case when it refuses duplicates: test names are
  /// compared exactly, emails and role names ignoring case.
  var isCaseSensitiveInAPI: Bool { collectionKey == "tests" }

  /// Whether two key values are the same: ignoring case, or exactly with `exact`.
  private static func same(_ mine: String, _ theirs: String, exact: Bool) -> Bool {
    exact ? mine == theirs : mine.caseInsensitiveCompare(theirs) == .orderedSame
  }

  /// Whether `other` names the same object as this key would to the API (the same collection,
  /// and each value equal as ``isCaseSensitiveInAPI`` says).
  func collides(with other: NaturalKey) -> Bool {
    collectionPath == other.collectionPath && fields.keys == other.fields.keys
      && fields.allSatisfy { name, value in
        guard let mine = value.stringValue, let theirs = other.fields[name]?.stringValue else { return false }
        return Self.same(mine, theirs, exact: isCaseSensitiveInAPI)
      }
  }

  /// The ids of the objects of a collection response that have the key, ignoring case (apply's
  /// drift check errs on the side of stopping), or exactly with `exact`.
  func matches(in collection: PlanJSON?, exact: Bool = false) -> [String] {
    guard case .array(let items)? = collection?[collectionKey] else { return [] }
    return items.compactMap { item -> String? in
      for (name, value) in fields {
        guard let mine = value.stringValue, let theirs = item[name]?.stringValue,
          Self.same(mine, theirs, exact: exact)
        else { return nil }
      }
      return item[idField]?.identifierText
    }
  }

  /// `user with email "ana@example.com"`.
  /// With `article`: `a user with ...`, `an alert rule with ...`.
  func describe(kind: String, article: Bool = false) -> String {
    let text = fields.keys.sorted().map { "\($0) \(fields[$0]!.jsonText)" }.joined(separator: " and ")
    let prefix = article ? ("aeio".contains(kind.prefix(1)) ? "an " : "a ") : ""
    return "\(prefix)\(kind) with \(text)"
  }
}

extension NaturalKey {
  /// The ids of the objects that have the key now, read through `client` (every page).
  /// With `exact`, as the API compares when it refuses duplicates (``isCaseSensitiveInAPI``).
  func currentMatches(client: ThousandEyesClient, aid: String?, exact: Bool = false) async throws -> [String]
  {
    var request = APIRequest(.get, collectionPath)
    if let aid { request = request.settingQuery("aid", to: aid) }
    var ids: [String] = []
    for try await page in client.pages(request, collectionKey: collectionKey) {
      ids += matches(in: try? PlanJSON.decode(page.body), exact: exact && isCaseSensitiveInAPI)
    }
    return ids
  }
}
