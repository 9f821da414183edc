import ThousandEyes

/// A write the API would refuse for what it checks beyond the body's shape: a name another
/// object has (``NaturalKey``), or an id of an object that does not exist (``References``).
/// The planner throws it; the run reports it like a body problem, with the runbook's line.
public struct PlanTimeRefusal: Error {
  /// The problems, as the API reports them (`agents[0].agentId INVALID_VALUE: ...`).
  public let problems: [BodyValidator.Problem]
}

/// The ids a write refers to that the API checks exist: a test's agents, target agent and
/// alert rules; a user's roles and account groups; a role's permissions.
///
/// The planner reads each collection once per account group and run, and refuses a write that
/// names an id it does not hold (an id planned in the run, a placeholder, is not checked).
struct References {
  /// A collection of objects that writes refer to by id.
  struct Collection: Hashable {
    /// The collection's path relative to `/v7`, e.g. `/agents`.
    let path: String
    /// The member of the response that lists the objects.
    let key: String
    /// The id member of an object.
    let idField: String
    /// How the API names one in its message, e.g. `Agent`.
    let noun: String
    /// Whether the read takes the write's account group.
    let scoped: Bool

    static let agents = Collection(
      path: "/agents", key: "agents", idField: "agentId", noun: "Agent", scoped: true)
    static let alertRules = Collection(
      path: "/alerts/rules", key: "alertRules", idField: "ruleId", noun: "Alert rule", scoped: true)
    static let roles = Collection(path: "/roles", key: "roles", idField: "roleId", noun: "Role", scoped: true)
    static let permissions = Collection(
      path: "/permissions", key: "permissions", idField: "permissionId", noun: "Permission", scoped: true)
    static let accountGroups = Collection(
      path: "/account-groups", key: "accountGroups", idField: "aid", noun: "Account group", scoped: false)
  }

  /// One id a body names: where (`agents[0].agentId`) and in which collection.
  struct Reference {
    let field: String
    let id: String
    let collection: Collection
  }

  /// The references of a write of `operation` with `body`.
  static func of(_ operation: ThousandEyes.Operation, body: PlanJSON?) -> [Reference] {
    guard operation.method == .post || operation.method == .put, let fields = body?.objectValue else {
      return []
    }
    var found: [Reference] = []
    let add = { (field: String, value: PlanJSON?, collection: Collection) in
      guard let id = value?.identifierText, Placeholders.tokens(in: id).isEmpty else { return }
      found.append(Reference(field: field, id: id, collection: collection))
    }
    if operation.path.hasPrefix("/tests/"), operation.objectKind.hasSuffix("test") {
      if case .array(let agents)? = fields["agents"] {
        for (n, agent) in agents.enumerated() {
          add("agents[\(n)].agentId", agent["agentId"] ?? agent, .agents)
        }
      }
      add("targetAgentId", fields["targetAgentId"], .agents)
      if case .array(let rules)? = fields["alertRules"] {
        for (n, rule) in rules.enumerated() { add("alertRules[\(n)]", rule["ruleId"] ?? rule, .alertRules) }
      }
    }
    if operation.id == "createRole" || operation.id == "updateRole",
      case .array(let ids)? = fields["permissions"]
    {
      for (k, id) in ids.enumerated() { add("permissions[\(k)]", id, .permissions) }
    }
    if operation.id == "createUser" || operation.id == "updateUser" {
      if case .array(let entries)? = fields["accountGroupRoles"] {
        for (n, entry) in entries.enumerated() {
          add("accountGroupRoles[\(n)].accountGroupId", entry["accountGroupId"], .accountGroups)
          if case .array(let ids)? = entry["roleIds"] {
            for (k, id) in ids.enumerated() { add("accountGroupRoles[\(n)].roleIds[\(k)]", id, .roles) }
          }
        }
      }
      if case .array(let ids)? = fields["allAccountGroupRoleIds"] {
        for (k, id) in ids.enumerated() { add("allAccountGroupRoleIds[\(k)]", id, .roles) }
      }
      add("loginAccountGroupId", fields["loginAccountGroupId"], .accountGroups)
    }
    return found
  }

  /// The ids of a collection, read through `client` (every page).
  static func ids(of collection: Collection, aid: String?, client: ThousandEyesClient) async throws -> Set<
    String
  > {
    var request = APIRequest(.get, collection.path)
    if collection.scoped, let aid { request = request.settingQuery("aid", to: aid) }
    var ids: Set<String> = []
    for try await page in client.pages(request, collectionKey: collection.key) {
      guard case .array(let items)? = (try? PlanJSON.decode(page.body))?[collection.key] else { continue }
      for item in items { if let id = item[collection.idField]?.identifierText { ids.insert(id) } }
    }
    return ids
  }
}
