/// Checks a request body against its operation's schema from the generated table.
///
/// Reported problems: missing required fields, wrong types, values outside an enum or a
/// numeric range, strings that break a length, pattern or format (date-time, date, email,
/// ipv4, ipv6, uuid, uri, hostname), arrays that break a length or uniqueness, unknown
/// fields (objects that do not declare `additionalProperties`), and read-only fields sent back.
enum RequestValidator {
  /// Validates `body`; throws a 400 ``APIError`` listing every problem found.
  static func validate(_ body: JSONValue?, against entry: RequestSchemas.Entry) throws {
    guard let body else {
      if entry.required {
        throw APIError.badRequest(
          "A JSON request body is required.",
          errors: [.init(code: "MISSING_BODY", field: "", message: "The request body is required.")])
      }
      return
    }
    var errors: [APIError.FieldError] = []
    check(body, entry.schema, "", &errors, RequestSchemas.shared)
    errors = errors.map { error in
      guard error.code == "UNKNOWN_FIELD", entry.readOnlyFields.contains(error.field) else { return error }
      return .init(
        code: "READ_ONLY", field: error.field,
        message: "\(error.field) is read-only and cannot be sent in a request.")
    }
    if !errors.isEmpty {
      throw APIError.badRequest("Your request object contains invalid fields.", errors: errors)
    }
  }

  /// Validates `value` against a compact schema node, appending problems to `errors`.
  static func check(
    _ value: JSONValue, _ node: JSONValue, _ field: String, _ errors: inout [APIError.FieldError],
    _ schemas: RequestSchemas
  ) {
    let node = schemas.resolve(node)
    if value == .null {
      if node["n"] == .int(1) { return }
      errors.append(.init(code: "INVALID_TYPE", field: field, message: "\(label(field)) must not be null."))
      return
    }
    if let alternatives = node["any"]?.arrayValue, !alternatives.isEmpty {
      var best: [APIError.FieldError]?
      for alternative in alternatives {
        var attempt: [APIError.FieldError] = []
        check(value, alternative, field, &attempt, schemas)
        if attempt.isEmpty { return }
        if best == nil || attempt.count < best!.count { best = attempt }
      }
      errors.append(contentsOf: best ?? [])
      return
    }
    if let type = node["t"]?.stringValue, !matches(value, type) {
      errors.append(
        .init(
          code: "INVALID_TYPE", field: field,
          message: "\(label(field)) must be \(article(type)), not \(value.typeName)."))
      return
    }
    if let options = node["e"]?.arrayValue, !options.contains(where: { equalForEnum($0, value) }) {
      let list = options.map { String(decoding: JSONWriter.serialize($0), as: UTF8.self) }.joined(
        separator: ", ")
      errors.append(
        .init(code: "INVALID_VALUE", field: field, message: "\(label(field)) must be one of: \(list)."))
      return
    }
    if let number = numeric(value) {
      checkRange(number, node, field, &errors)
    }
    switch value {
    case .string(let text):
      checkString(text, node, field, &errors)
    case .array(let elements):
      checkCount(elements.count, node, field, noun: "item", &errors)
      if node["u"] == .int(1),
        let duplicate = elements.indices.first(where: { i in
          elements[..<i].contains(elements[i])
        })
      {
        errors.append(
          .init(
            code: "INVALID_VALUE", field: "\(field)[\(duplicate)]",
            message: "\(label(field)) must not repeat an item."))
      }
      if let items = node["i"] {
        for (index, element) in elements.enumerated() {
          check(element, items, "\(field)[\(index)]", &errors, schemas)
        }
      }
    case .object(let members):
      let properties = node["p"]?.objectMembers ?? []
      let additional = node["ap"]
      for name in node["r"]?.arrayValue?.compactMap(\.stringValue) ?? []
      where !members.contains(where: { $0.0 == name }) {
        errors.append(
          .init(code: "REQUIRED", field: join(field, name), message: "\(join(field, name)) is required."))
      }
      for (name, member) in members {
        let path = join(field, name)
        if let property = properties.first(where: { $0.0 == name })?.1 {
          let resolved = schemas.resolve(property)
          if resolved["ro"] == .int(1) || property["ro"] == .int(1) {
            errors.append(
              .init(
                code: "READ_ONLY", field: path,
                message: "\(path) is read-only and cannot be sent in a request."))
            continue
          }
          check(member, property, path, &errors, schemas)
        } else if let additional, additional != .bool(false) {
          if additional != .bool(true) { check(member, additional, path, &errors, schemas) }
        } else if !properties.isEmpty || additional == .bool(false) {
          errors.append(.init(code: "UNKNOWN_FIELD", field: path, message: "\(path) is not a known field."))
        }
      }
    default:
      break
    }
  }

  /// `value` without the members its schema marks write-only: secrets (passwords, tokens)
  /// and ids a response shows in another form. What is left may be stored and echoed.
  static func withoutWriteOnly(_ value: JSONValue, _ node: JSONValue, _ schemas: RequestSchemas) -> JSONValue
  {
    let node = schemas.resolve(node)
    if let alternatives = node["any"]?.arrayValue, !alternatives.isEmpty {
      let fitting = alternatives.first { alternative in
        var errors: [APIError.FieldError] = []
        check(value, alternative, "", &errors, schemas)
        return errors.isEmpty
      }
      return fitting.map { withoutWriteOnly(value, $0, schemas) } ?? value
    }
    switch value {
    case .array(let elements):
      guard let items = node["i"] else { return value }
      return .array(elements.map { withoutWriteOnly($0, items, schemas) })
    case .object(let members):
      let properties = node["p"]?.objectMembers ?? []
      return .object(
        members.compactMap { name, member in
          guard let property = properties.first(where: { $0.0 == name })?.1 else {
            if let additional = node["ap"], additional != .bool(true), additional != .bool(false) {
              return (name, withoutWriteOnly(member, additional, schemas))
            }
            return (name, member)
          }
          if property["wo"] == .int(1) || schemas.resolve(property)["wo"] == .int(1) { return nil }
          return (name, withoutWriteOnly(member, property, schemas))
        })
    default:
      return value
    }
  }

  private static func checkRange(
    _ number: Double, _ node: JSONValue, _ field: String, _ errors: inout [APIError.FieldError]
  ) {
    let bounds: [(key: String, fails: (Double) -> Bool, words: String)] = [
      ("min", { number < $0 }, "at least"), ("max", { number > $0 }, "at most"),
      ("xmin", { number <= $0 }, "more than"), ("xmax", { number >= $0 }, "less than"),
    ]
    for bound in bounds {
      if let limit = node[bound.key].flatMap(numeric), bound.fails(limit) {
        errors.append(
          .init(
            code: "OUT_OF_RANGE", field: field,
            message: "\(label(field)) must be \(bound.words) \(format(limit))."))
      }
    }
  }

  /// Checks a length against `minL`/`maxL` (strings) or `minI`/`maxI` (arrays).
  private static func checkCount(
    _ count: Int, _ node: JSONValue, _ field: String, noun: String, _ errors: inout [APIError.FieldError]
  ) {
    let prefix = noun == "item" ? "I" : "L"
    if let min = node["min" + prefix]?.intValue, count < min {
      errors.append(
        .init(
          code: "OUT_OF_RANGE", field: field,
          message: "\(label(field)) must have at least \(min) \(noun)\(min == 1 ? "" : "s")."))
    }
    if let max = node["max" + prefix]?.intValue, count > max {
      errors.append(
        .init(
          code: "OUT_OF_RANGE", field: field,
          message: "\(label(field)) must have at most \(max) \(noun)\(max == 1 ? "" : "s")."))
    }
  }

  private static func checkString(
    _ text: String, _ node: JSONValue, _ field: String, _ errors: inout [APIError.FieldError]
  ) {
    checkCount(text.unicodeScalars.count, node, field, noun: "character", &errors)
    if let pattern = node["pat"]?.stringValue, !StringFormats.matches(text, pattern: pattern) {
      errors.append(
        .init(code: "INVALID_VALUE", field: field, message: "\(label(field)) must match \(pattern)."))
    }
    if let name = node["f"]?.stringValue, let valid = StringFormats.check(name), !valid(text) {
      errors.append(
        .init(code: "INVALID_FORMAT", field: field, message: "\(label(field)) must be a valid \(name)."))
    }
  }

  private static func matches(_ value: JSONValue, _ type: String) -> Bool {
    switch (type, value) {
    case ("string", .string), ("boolean", .bool), ("integer", .int), ("number", .int), ("number", .double),
      ("array", .array), ("object", .object):
      return true
    case ("integer", .double(let d)):
      // Below 1e15, where JSONWriter writes an integral double back as an integer.
      return d == d.rounded() && abs(d) < 1e15
    default:
      return false
    }
  }

  private static func equalForEnum(_ option: JSONValue, _ value: JSONValue) -> Bool {
    if option == value { return true }
    if let a = numeric(option), let b = numeric(value) { return a == b }
    return false
  }

  private static func numeric(_ value: JSONValue) -> Double? {
    switch value {
    case .int(let i): return Double(i)
    case .double(let d): return d
    default: return nil
    }
  }

  private static func format(_ d: Double) -> String {
    d == d.rounded() ? String(Int(d)) : String(d)
  }

  private static func join(_ base: String, _ name: String) -> String {
    base.isEmpty ? name : base + "." + name
  }

  private static func label(_ field: String) -> String {
    field.isEmpty ? "The body" : field
  }

  private static func article(_ type: String) -> String {
    (type.first.map { "aeiou".contains($0) } ?? false) ? "an \(type)" : "a \(type)"
  }
}
