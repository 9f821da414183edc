/// Small rendering helpers shared by the handlers.
enum Render {
  /// `{"self": {"href": href}}`.
  static func selfLinks(_ href: String) -> JSONValue {
    .object([("self", .object([("href", .string(href))]))])
  }

  /// Adds `_links.self` to an object.
  static func withSelf(_ object: JSONObject, _ href: String) -> JSONValue {
    var object = object
    object["_links"] = selfLinks(href)
    return object.value
  }

  /// An array of strings.
  static func strings(_ values: [String]) -> JSONValue {
    .array(values.map { .string($0) })
  }

  /// The body as an object, or a 400.
  static func bodyObject(_ request: SimRequest) throws -> JSONObject {
    guard let members = request.body?.objectMembers else {
      throw APIError.badRequest(
        "The request body must be a JSON object.",
        errors: [.init(code: "INVALID_TYPE", field: "", message: "The body must be an object.")])
    }
    return JSONObject(members)
  }

  /// The storable body (without write-only members) as an object; call after ``bodyObject(_:)``.
  static func storableObject(_ request: SimRequest) -> JSONObject {
    JSONObject(request.storableBody?.objectMembers ?? [])
  }

  /// The string array in `field`, if present.
  static func stringArray(_ object: JSONObject, _ field: String) -> [String]? {
    object[field]?.arrayValue?.compactMap(\.stringValue)
  }

  /// A boolean query parameter.
  static func flag(_ request: SimRequest, _ name: String) -> Bool {
    request.queryValue(name).map { $0 == "true" || $0 == "1" } ?? false
  }

  /// Values of an array query parameter, accepting repeats and comma-separated lists.
  static func list(_ request: SimRequest, _ name: String) -> [String] {
    (request.query[name] ?? []).flatMap { $0.split(separator: ",").map(String.init) }.filter { !$0.isEmpty }
  }
}
