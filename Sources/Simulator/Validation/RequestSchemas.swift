/// The generated request-body schema table (see scripts/sim/gen_request_schemas.py).
final class RequestSchemas: Sendable {
  /// One operation's body schema.
  struct Entry: Sendable {
    let operationId: String
    let required: Bool
    let schema: JSONValue
    /// Response-only read-only fields: sent back, they are reported as read-only.
    let readOnlyFields: Set<String>
  }

  /// The table, parsed once.
  static let shared = RequestSchemas(text: generatedRequestSchemas)

  let definitions: [String: JSONValue]
  private let operations: [String: Entry]

  init(text: String) {
    let table = (try? JSONParser.parse(text)) ?? .object([])
    var definitions: [String: JSONValue] = [:]
    for (name, schema) in table["defs"]?.objectMembers ?? [] { definitions[name] = schema }
    var operations: [String: Entry] = [:]
    for (key, entry) in table["ops"]?.objectMembers ?? [] {
      operations[key] = Entry(
        operationId: entry["op"]?.stringValue ?? "", required: entry["required"] == .bool(true),
        schema: entry["schema"] ?? .object([]),
        readOnlyFields: Set(entry["ro"]?.arrayValue?.compactMap(\.stringValue) ?? []))
    }
    self.definitions = definitions
    self.operations = operations
  }

  /// The body schema of `METHOD template`, if the operation takes a JSON body.
  func schema(method: String, template: String) -> Entry? {
    operations[method + " " + template]
  }

  /// Follows `{"$": name}` references.
  func resolve(_ node: JSONValue) -> JSONValue {
    var node = node
    var hops = 0
    while let name = node["$"]?.stringValue, let target = definitions[name], hops < 32 {
      node = target
      hops += 1
    }
    return node
  }
}
