import ThousandEyes

/// Turns objects as the API returns them into bodies it accepts, guided by the operation's
/// request schema from the spec: a full update (`PUT` of a test, an alert rule, ...) is the
/// current object merged with the changes, read-only fields dropped, and expanded objects
/// (agents, labels, alert rules, DNS servers) reduced to the references the request takes.
public enum RequestShape {
  /// Whether `operation` replaces the whole object: its request schema has required fields,
  /// so a body with only the changed fields would be refused (`agents is required`).
  public static func replacesWholeObject(_ operation: ThousandEyes.Operation) -> Bool {
    guard let entry = RequestSchemaTable.shared.body(of: operation.id) else { return false }
    return !(RequestSchemaTable.shared.resolve(entry.body).required ?? []).isEmpty
  }

  /// The body of an update of `current` (as read) with `changes` (as the runbook gave them):
  /// - with `full`, every writable field of `current`, then the changes on top;
  /// - a changed field is reduced to the request's shape (`agents` as `{agentId}` references,
  ///   `alertRules` as ids, ...); a number given for a string id becomes its text;
  /// - a field of `changes` the request cannot take (read-only, or only in responses) is
  ///   dropped when it equals the current value (a `get` result passed back), and kept
  ///   otherwise, so that validation reports it;
  /// - without `full`, a field equal to its current value is not sent at all;
  /// - an object none of whose members the request takes is kept as it is (and refused by
  ///   validation), never sent as an empty object.
  public static func updateBody(
    current: PlanJSON?, changes: PlanJSON, operation: ThousandEyes.Operation, full: Bool
  ) -> PlanJSON {
    let table = RequestSchemaTable.shared
    guard let entry = table.body(of: operation.id), case .object(let given) = changes else { return changes }
    let root = table.resolve(entry.body)
    let properties = root.properties ?? [:]
    let currentFields = current?.objectValue ?? [:]
    var body: [String: PlanJSON] = [:]
    if full {
      for (name, property) in properties where !isReadOnly(property, table) {
        guard let value = currentValue(of: name, in: currentFields) else { continue }
        if let shaped = project(value, onto: property, name: name, table: table) { body[name] = shaped }
      }
    }
    for (name, value) in given {
      if !full, let now = currentValue(of: name, in: currentFields), Normalized.equal(now, value, name: name)
      {
        continue  // unchanged: a partial update sends only what changes
      }
      if let property = properties[name], !isReadOnly(property, table) {
        body[name] = project(value, onto: property, name: name, table: table) ?? value
      } else if let now = currentFields[name], Normalized.equal(now, value) {
        continue
      } else if properties[name] == nil, value == .null {
        continue
      } else {
        body[name] = value
      }
    }
    return .object(body)
  }

  /// `value` in the shape `schema` takes, or `nil` when nothing of it fits (an object with no
  /// writable member, an object where an id is expected but it has none).
  public static func project(
    _ value: PlanJSON, onto schema: RequestSchema, name: String, table: RequestSchemaTable = .shared
  ) -> PlanJSON? {
    let node = table.resolve(schema)
    if value == .null { return value }
    if let alternatives = node.alternatives, !alternatives.isEmpty {
      for alternative in alternatives {
        if let shaped = project(value, onto: alternative, name: name, table: table),
          BodyValidator.problemsOf(shaped, alternative, table).isEmpty
        {
          return shaped
        }
      }
      return value
    }
    switch (node.type, value) {
    case ("string"?, .object(let fields)):
      return reference(in: fields, name: name).map { .string($0) }
    case ("string"?, .integer(let number)):
      return .string(String(number))
    case ("object"?, .object(let fields)):
      guard let properties = node.properties, !properties.isEmpty else { return value }
      var out: [String: PlanJSON] = [:]
      for (key, member) in fields {
        guard let property = properties[key], !isReadOnly(property, table) else {
          if case .allowed(true)? = node.extra { out[key] = member }
          continue
        }
        if let shaped = project(member, onto: property, name: key, table: table) { out[key] = shaped }
      }
      // Nothing fits (a user's `accountGroupRoles` as read: `accountGroup` and `roles`, where
      // the request takes `accountGroupId` and `roleIds`): keep it, for validation to report,
      // rather than send an empty object that would mean something else.
      if out.isEmpty, !fields.isEmpty { return value }
      return .object(out)
    case ("object"?, .string), ("object"?, .integer):
      // An id where a reference object is expected: `{ agentId = "62" }` from `"62"`.
      guard let key = referenceKey(of: node), let text = value.identifierText else { return value }
      return .object([key: .string(text)])
    case ("array"?, .array(let items)):
      guard let itemSchema = node.items else { return value }
      return .array(items.compactMap { project($0, onto: itemSchema, name: name, table: table) })
    default:
      return value
    }
  }

  /// The current value of request field `name` in an object as read: the field itself, or for
  /// a list of ids the response carries as objects (`testIds` read as `tests`), their ids.
  public static func currentValue(of name: String, in fields: [String: PlanJSON]) -> PlanJSON? {
    if let value = fields[name] { return value }
    guard name.hasSuffix("Ids"), name.count > 3 else { return nil }
    let singular = String(name.dropLast(3))
    guard case .array(let items)? = fields[singular + "s"] else { return nil }
    var ids: [PlanJSON] = []
    for item in items {
      guard let id = item[singular + "Id"]?.identifierText else { return nil }
      ids.append(.string(id))
    }
    return .array(ids)
  }

  /// `body` with every empty object that the request schema of `operation` takes as an array
  /// made an empty array: Lua has one empty table for both, and encodes it as `{}`.
  public static func emptyTablesAsArrays(_ body: PlanJSON, operation: ThousandEyes.Operation) -> PlanJSON {
    let table = RequestSchemaTable.shared
    guard let entry = table.body(of: operation.id) else { return body }
    return emptyTablesAsArrays(body, entry.body, table, depth: 0)
  }

  private static func emptyTablesAsArrays(
    _ value: PlanJSON, _ schema: RequestSchema, _ table: RequestSchemaTable, depth: Int
  ) -> PlanJSON {
    let node = table.resolve(schema)
    guard depth < 32 else { return value }
    switch value {
    case .object(let fields) where fields.isEmpty:
      return node.type == "array" ? .array([]) : value
    case .object(let fields):
      guard let properties = node.properties else { return value }
      var out = fields
      for (name, member) in fields {
        if let property = properties[name] {
          out[name] = emptyTablesAsArrays(member, property, table, depth: depth + 1)
        }
      }
      return .object(out)
    case .array(let items):
      guard let itemSchema = node.items else { return value }
      return .array(items.map { emptyTablesAsArrays($0, itemSchema, table, depth: depth + 1) })
    default:
      return value
    }
  }

  /// Whether a property is read-only (on the property or on what it refers to).
  static func isReadOnly(_ property: RequestSchema, _ table: RequestSchemaTable) -> Bool {
    property.isReadOnly || table.resolve(property).isReadOnly
  }

  /// The id a request takes for an expanded object under `name`: its `serverName` for DNS
  /// servers (requests name them), else its one `...Id`/`id`/`aid` member.
  static func reference(in fields: [String: PlanJSON], name: String) -> String? {
    if name == "dnsServers", let server = fields["serverName"]?.identifierText { return server }
    let ids = fields.keys.filter { $0 == "id" || $0 == "aid" || $0.hasSuffix("Id") }.sorted()
    if ids.count == 1 { return fields[ids[0]]?.identifierText }
    // Several ids (a test's agent carries agentId and clusterId...): the one named for the list.
    let singular = name.hasSuffix("s") ? String(name.dropLast()) : name
    if let own = fields[singular + "Id"]?.identifierText { return own }
    return nil
  }

  /// The id member of a reference object schema: its one required `...Id`, else its one `...Id`.
  static func referenceKey(of node: RequestSchema) -> String? {
    let required = (node.required ?? []).filter { $0.hasSuffix("Id") }
    if required.count == 1 { return required[0] }
    let ids = (node.properties ?? [:]).keys.filter { $0.hasSuffix("Id") }
    return ids.count == 1 ? ids.first : nil
  }
}
