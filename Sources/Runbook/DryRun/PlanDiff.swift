import ThousandEyes

/// Semantic diffs of an update: what the body changes in the current object, leaf by leaf.
///
/// Values are compared normalised:
/// - a list of objects that have ids (agents, alert rules, labels) or of ids is a set of ids;
/// - a full object and a reference to it (`{ agentId = "3" }`, or just `"3"`) are equal when the
///   ids match (and the members both carry agree);
/// - nested objects are compared member by member;
/// - `600` and `600.0`, `"3"` and `3` are equal.
///
/// Only changed leaves are reported: `interval: 600 → 300`, `alertRules: + "9004"`.
public enum PlanDiff {
  /// The changes `body` makes to `current`: for each top-level field the body sets (a PUT
  /// leaves the others alone), the changed leaves under it. With `operation`, `current` is
  /// first reduced to what its request takes (read-only fields dropped, expanded objects as
  /// references), so that only what the write changes is shown. Items added to or removed
  /// from a list of ids are shown by name when `current` or `names` (see ``collectNames``)
  /// names them.
  public static func changes(
    from current: PlanJSON?, to body: PlanJSON?, operation: ThousandEyes.Operation? = nil,
    names known: [String: String] = [:]
  ) -> [FieldChange] {
    guard case .object(let updates)? = body else { return [] }
    var fields = current?.objectValue ?? [:]
    var names = known
    if let current { collectNames(current, into: &names) }
    if let operation, let entry = RequestSchemaTable.shared.body(of: operation.id) {
      let root = RequestSchemaTable.shared.resolve(entry.body)
      for (name, value) in fields {
        guard let property = root.properties?[name] else { continue }
        fields[name] = RequestShape.project(value, onto: property, name: name) ?? value
      }
    }
    var out: [FieldChange] = []
    let root = operation.flatMap { RequestSchemaTable.shared.body(of: $0.id) }.map {
      RequestSchemaTable.shared.resolve($0.body)
    }
    for name in updates.keys.sorted() {
      // A write-only string is a secret the API never returns (a password): not shown. (Id
      // lists are write-only too, as requests take ids where responses list objects.)
      if let property = root?.properties?[name],
        property.isWriteOnly || RequestSchemaTable.shared.resolve(property).isWriteOnly,
        RequestSchemaTable.shared.resolve(property).type == "string"
      {
        out.append(.hidden(field: name))
        continue
      }
      diff(
        fields[name] ?? RequestShape.currentValue(of: name, in: fields), updates[name]!, path: name,
        into: &out)
    }
    return out.map { change in
      var change = change
      let list = listName(change.field)
      change.added = change.added?.map { named($0, list, names) }
      change.removed = change.removed?.map { named($0, list, names) }
      return change
    }
  }

  /// The list a change's field names: `alertRules` for `alertRules`, `roleIds` for
  /// `accountGroupRoles[1234].roleIds`.
  static func listName(_ field: String) -> String {
    let last = field.split(separator: ".").last.map(String.init) ?? field
    return last.split(separator: "[").first.map(String.init) ?? last
  }

  /// An id shown by the name of the object it stands for, when known.
  private static func named(_ item: PlanJSON, _ list: String, _ names: [String: String]) -> PlanJSON {
    guard let id = item.identifierText, let name = names[list + "|" + id] else { return item }
    return .string(name)
  }

  /// Adds the names of the objects inside `value` that have an id and a name, keyed by the
  /// list they are in and their id (`alertRules|9004` → `High Latency`): a test's expanded
  /// `alertRules`, or the `alertRules` of a page of `/alerts/rules`.
  public static func collectNames(_ value: PlanJSON, into names: inout [String: String]) {
    switch value {
    case .object(let fields):
      for (key, member) in fields {
        if case .array(let items) = member {
          for item in items {
            if case .object(let inner) = item, let id = Normalized.identity(inner, name: key),
              let name = DryRunPlanner.name(of: item)
            {
              names[key + "|" + id] = name
            }
          }
        }
        collectNames(member, into: &names)
      }
    case .array(let items):
      for item in items { collectNames(item, into: &names) }
    default:
      break
    }
  }

  /// Appends the changed leaves between `before` and `after` under `path`.
  static func diff(_ before: PlanJSON?, _ after: PlanJSON?, path: String, into out: inout [FieldChange]) {
    guard let before, before != .null else {
      if let after, after != .null { out.append(FieldChange(field: path, before: nil, after: after)) }
      return
    }
    guard let after else {
      out.append(FieldChange(field: path, before: before, after: nil))
      return
    }
    if Normalized.equal(before, after) { return }
    switch (before, after) {
    case (.object(let old), .object(let new))
    where Normalized.identity(old, name: path) == nil || Normalized.identity(new, name: path) == nil:
      for key in Set(old.keys).union(new.keys).sorted() {
        diff(old[key], new[key], path: path + "." + key, into: &out)
      }
    case (.array(let old), .array(let new)):
      guard let oldIds = Normalized.identities(old, name: path),
        let newIds = Normalized.identities(new, name: path)
      else {
        out.append(FieldChange(field: path, before: before, after: after))
        return
      }
      let removed = old.indices.filter { !newIds.contains(oldIds[$0]) }.map {
        Normalized.display(old[$0], path)
      }
      let added = new.indices.filter { !oldIds.contains(newIds[$0]) }.map {
        Normalized.display(new[$0], path)
      }
      if !added.isEmpty || !removed.isEmpty {
        out.append(FieldChange(field: path, added: added, removed: removed))
      }
      // Members both sides carry, for the items on both sides.
      for (index, id) in newIds.enumerated() {
        guard let match = oldIds.firstIndex(of: id),
          case .object(let a) = old[match], case .object(let b) = new[index]
        else { continue }
        for key in Set(a.keys).intersection(b.keys).sorted() {
          diff(a[key], b[key], path: "\(path)[\(id)].\(key)", into: &out)
        }
      }
    default:
      out.append(FieldChange(field: path, before: before, after: after))
    }
  }
}

/// Normalised comparison of plan values (see ``PlanDiff``).
enum Normalized {
  /// Whether `a` and `b` mean the same to the API.
  static func equal(_ a: PlanJSON, _ b: PlanJSON, name: String = "") -> Bool {
    switch (a, b) {
    case (.integer, .number), (.number, .integer), (.number, .number):
      return number(a) == number(b)
    case (.string(let text), .integer), (.string(let text), .number):
      return b.identifierText == text
    case (.integer, .string(let text)), (.number, .string(let text)):
      return a.identifierText == text
    case (.object(let fields), .string), (.object(let fields), .integer):
      return identity(fields, name: name).map { $0 == b.identifierText } ?? false
    case (.string, .object(let fields)), (.integer, .object(let fields)):
      return identity(fields, name: name).map { $0 == a.identifierText } ?? false
    case (.object(let x), .object(let y)):
      if let i = identity(x, name: name), let j = identity(y, name: name) {
        guard i == j else { return false }
        return Set(x.keys).intersection(y.keys).allSatisfy { equal(x[$0]!, y[$0]!, name: $0) }
      }
      return Set(x.keys) == Set(y.keys) && x.keys.allSatisfy { equal(x[$0]!, y[$0]!, name: $0) }
    case (.array(let x), .array(let y)):
      if let i = identities(x, name: name), let j = identities(y, name: name) {
        guard Set(i) == Set(j), i.count == j.count else { return false }
        return zip(i, x).allSatisfy { id, item in
          guard let other = j.firstIndex(of: id) else { return false }
          return equal(item, y[other], name: name)
        }
      }
      return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1, name: name) }
    default:
      return a == b
    }
  }

  /// The id of an object that stands for another (an agent, a rule, a label), or `nil`.
  static func identity(_ fields: [String: PlanJSON], name: String) -> String? {
    let base = name.split(separator: ".").last.map(String.init) ?? name
    let list = base.split(separator: "[").first.map(String.init) ?? base
    return RequestShape.reference(in: fields, name: list)
  }

  /// The ids of a list's items when every item is an id or an object with one, else `nil`.
  static func identities(_ items: [PlanJSON], name: String) -> [String]? {
    var ids: [String] = []
    for item in items {
      switch item {
      case .string, .integer:
        ids.append(item.identifierText!)
      case .object(let fields):
        guard let id = identity(fields, name: name) else { return nil }
        ids.append(id)
      default:
        return nil
      }
    }
    return ids
  }

  /// How an added or removed item is shown: its name when it has one, else its id.
  static func display(_ item: PlanJSON, _ name: String) -> PlanJSON {
    guard case .object(let fields) = item else { return item }
    if let named = DryRunPlanner.name(of: item) { return .string(named) }
    for key in ["serverName", "agentName", "email"] {
      if let text = fields[key]?.stringValue { return .string(text) }
    }
    return identity(fields, name: name).map { .string($0) } ?? item
  }

  private static func number(_ value: PlanJSON) -> Double? {
    switch value {
    case .integer(let i): return Double(i)
    case .number(let d): return d
    default: return nil
    }
  }
}
