import Foundation
import ThousandEyes

/// Checks a write's JSON body against its operation's request schema from the official spec
/// (``RequestSchemaTable``), the way the API checks it: required fields, read-only fields,
/// unknown fields, types, enums, formats and ranges. Problems are reported as the API reports
/// them in a 400: field, code, message.
///
/// A string that holds a placeholder (`~known-after-apply-1.uid~`) is not checked beyond
/// being there: its value is known only at apply, where the resolved body is checked again.
public enum BodyValidator {
  /// One problem, as an entry of the API's `errors` array.
  public struct Problem: Equatable, Sendable, CustomStringConvertible {
    /// The field, as a dotted path with indexes (`agents[0].agentId`); "" for the body.
    public var field: String
    /// `REQUIRED`, `READ_ONLY`, `UNKNOWN_FIELD`, `INVALID_TYPE`, `INVALID_VALUE`,
    /// `INVALID_FORMAT`, `OUT_OF_RANGE` or `MISSING_BODY`.
    public var code: String
    /// The human message.
    public var message: String

    /// Creates a problem.
    public init(field: String, code: String, message: String) {
      self.field = field
      self.code = code
      self.message = message
    }

    public var description: String { "\(field.isEmpty ? "(body)" : field) \(code): \(message)" }
  }

  /// The problems of `body` for `operation` (empty: the API would accept its shape).
  public static func problems(_ body: PlanJSON?, for operation: ThousandEyes.Operation) -> [Problem] {
    let table = RequestSchemaTable.shared
    guard let entry = table.body(of: operation.id) else { return [] }
    guard let body else {
      return entry.required
        ? [Problem(field: "", code: "MISSING_BODY", message: "The request body is required.")] : []
    }
    var problems: [Problem] = []
    check(body, entry.body, "", table, &problems)
    problems += missingOnCreate(body, operation: operation)
    // A top-level field the request does not know but the response has is one the API sets.
    let responseOnly = Set(operation.responseFields)
    return problems.map { problem in
      guard problem.code == "UNKNOWN_FIELD", responseOnly.contains(problem.field) else { return problem }
      return Problem(
        field: problem.field, code: "READ_ONLY",
        message: "\(problem.field) is read-only and cannot be sent in a request.")
    }
  }

  /// The fields a create needs that the spec does not mark required, since its create and
  /// update share one request schema; the API refuses a create without them. Each entry is a
  /// list of alternatives, one of which must be given.
  static let requiredOnCreate: [String: [[String]]] = [
    "createUser": [["name"], ["email"], ["accountGroupRoles", "allAccountGroupRoleIds"]],
    "createRole": [["name"]],
    "createAlertSuppressionWindow": [["name"], ["startDate"], ["duration"]],
  ]

  /// `REQUIRED` problems for the fields of ``requiredOnCreate`` a create's body lacks.
  static func missingOnCreate(_ body: PlanJSON, operation: ThousandEyes.Operation) -> [Problem] {
    guard let needs = requiredOnCreate[operation.id], let fields = body.objectValue else { return [] }
    return needs.compactMap { names in
      guard !names.contains(where: { fields[$0] != nil && fields[$0] != .null }) else { return nil }
      return Problem(
        field: names[0], code: "REQUIRED", message: "\(names.joined(separator: " or ")) is required.")
    }
  }

  /// The problems of `value` against one schema node (no read-only renaming).
  static func problemsOf(_ value: PlanJSON, _ schema: RequestSchema, _ table: RequestSchemaTable) -> [Problem]
  {
    var problems: [Problem] = []
    check(value, schema, "", table, &problems)
    return problems
  }

  // MARK: Checks

  static func check(
    _ value: PlanJSON, _ given: RequestSchema, _ field: String, _ table: RequestSchemaTable,
    _ problems: inout [Problem]
  ) {
    let node = table.resolve(given)
    if value == .null {
      if given.isNullable || node.isNullable { return }
      problems.append(
        Problem(field: field, code: "INVALID_TYPE", message: "\(label(field)) must not be null."))
      return
    }
    if case .string(let text) = value, !Placeholders.tokens(in: text).isEmpty { return }
    if let alternatives = node.alternatives, !alternatives.isEmpty {
      var best: [Problem]?
      for alternative in alternatives {
        var attempt: [Problem] = []
        check(value, alternative, field, table, &attempt)
        if attempt.isEmpty { return }
        if best == nil || attempt.count < best!.count { best = attempt }
      }
      problems.append(contentsOf: best ?? [])
      return
    }
    if let type = node.type, !matches(value, type) {
      problems.append(
        Problem(
          field: field, code: "INVALID_TYPE",
          message: "\(label(field)) must be \(article(type)), not \(typeName(value))."))
      return
    }
    if let options = node.enumValues, !options.contains(where: { equal($0, value) }) {
      problems.append(
        Problem(
          field: field, code: "INVALID_VALUE",
          message: "\(label(field)) must be one of: \(options.map(\.description).joined(separator: ", "))."))
      return
    }
    if let format = node.format, let problem = formatProblem(value, format, field) {
      problems.append(problem)
    }
    rangeProblems(value, node, field, &problems)
    switch value {
    case .array(let elements):
      if let items = node.items {
        for (index, element) in elements.enumerated() {
          check(element, items, "\(field)[\(index)]", table, &problems)
        }
      }
    case .object(let members):
      let properties = node.properties ?? [:]
      for name in node.required ?? [] where members[name] == nil {
        problems.append(
          Problem(field: join(field, name), code: "REQUIRED", message: "\(join(field, name)) is required."))
      }
      for name in members.keys.sorted() {
        let member = members[name]!
        let path = join(field, name)
        if let property = properties[name] {
          if property.isReadOnly || table.resolve(property).isReadOnly {
            problems.append(
              Problem(
                field: path, code: "READ_ONLY",
                message: "\(path) is read-only and cannot be sent in a request."))
            continue
          }
          check(member, property, path, table, &problems)
        } else {
          switch node.extra {
          case .allowed(true)?: break
          case .schema(let extra)?: check(member, extra, path, table, &problems)
          case .allowed(false)?:
            problems.append(
              Problem(field: path, code: "UNKNOWN_FIELD", message: "\(path) is not a known field."))
          case nil:
            if !properties.isEmpty {
              problems.append(
                Problem(field: path, code: "UNKNOWN_FIELD", message: "\(path) is not a known field."))
            }
          }
        }
      }
    default:
      break
    }
  }

  private static func rangeProblems(
    _ value: PlanJSON, _ node: RequestSchema, _ field: String, _ problems: inout [Problem]
  ) {
    if let number = numeric(value) {
      if let min = node.minimum {
        let exclusive = node.exclusiveMinimum == true
        if exclusive ? number <= min : number < min {
          problems.append(
            Problem(
              field: field, code: "OUT_OF_RANGE",
              message: "\(label(field)) must be \(exclusive ? "greater than" : "at least") \(format(min))."))
        }
      }
      if let max = node.maximum {
        let exclusive = node.exclusiveMaximum == true
        if exclusive ? number >= max : number > max {
          problems.append(
            Problem(
              field: field, code: "OUT_OF_RANGE",
              message: "\(label(field)) must be \(exclusive ? "less than" : "at most") \(format(max))."))
        }
      }
    }
    var size: (count: Int, noun: String)?
    var bounds: (Int?, Int?) = (nil, nil)
    if case .string(let text) = value {
      size = (text.count, "characters")
      bounds = (node.minLength, node.maxLength)
    } else if case .array(let items) = value {
      size = (items.count, "items")
      bounds = (node.minItems, node.maxItems)
    }
    if let size {
      if let min = bounds.0, size.count < min {
        problems.append(
          Problem(
            field: field, code: "OUT_OF_RANGE",
            message: "\(label(field)) must have at least \(min) \(size.noun)."))
      }
      if let max = bounds.1, size.count > max {
        problems.append(
          Problem(
            field: field, code: "OUT_OF_RANGE",
            message: "\(label(field)) must have at most \(max) \(size.noun)."))
      }
    }
  }

  /// The problem with `value` for a `format` terun checks, or `nil`.
  static func formatProblem(_ value: PlanJSON, _ format: String, _ field: String) -> Problem? {
    let ok: Bool
    let what: String
    switch (format, value) {
    case ("date-time", .string(let text)):
      ok = text.range(of: dateTime, options: .regularExpression) != nil
      what = "a date-time such as 2026-12-01T10:00:00Z"
    case ("date", .string(let text)):
      ok = text.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil
      what = "a date such as 2026-12-01"
    case ("email", .string(let text)):
      ok = text.range(of: #"^[^@\s]+@[^@\s]+\.[^@\s]+$"#, options: .regularExpression) != nil
      what = "an email address"
    case ("uuid", .string(let text)):
      ok = text.range(of: uuid, options: .regularExpression) != nil
      what = "a UUID"
    case ("ipv4", .string(let text)):
      let parts = text.split(separator: ".", omittingEmptySubsequences: false)
      ok =
        parts.count == 4
        && parts.allSatisfy { part in
          part.count <= 3 && part.allSatisfy(\.isASCII) && Int(part).map { (0...255).contains($0) } == true
        }
      what = "an IPv4 address"
    case ("int32", _):
      ok = numeric(value).map { $0 >= Double(Int32.min) && $0 <= Double(Int32.max) } ?? true
      what = "a 32-bit integer"
    default:
      return nil
    }
    return ok
      ? nil : Problem(field: field, code: "INVALID_FORMAT", message: "\(label(field)) must be \(what).")
  }

  private static let dateTime =
    #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$"#
  private static let uuid = #"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"#

  private static func matches(_ value: PlanJSON, _ type: String) -> Bool {
    switch (type, value) {
    case ("string", .string), ("boolean", .bool), ("integer", .integer), ("number", .integer),
      ("number", .number), ("array", .array), ("object", .object):
      return true
    case ("integer", .number(let d)):
      return d == d.rounded() && abs(d) < 9e15
    default:
      return false
    }
  }

  private static func equal(_ option: RequestSchema.Literal, _ value: PlanJSON) -> Bool {
    switch (option, value) {
    case (.string(let a), .string(let b)): return a == b
    case (.bool(let a), .bool(let b)): return a == b
    case (.integer, _), (.number, _):
      guard let b = numeric(value) else { return false }
      switch option {
      case .integer(let a): return Double(a) == b
      case .number(let a): return a == b
      default: return false
      }
    default: return false
    }
  }

  private static func numeric(_ value: PlanJSON) -> Double? {
    switch value {
    case .integer(let i): return Double(i)
    case .number(let d): return d
    default: return nil
    }
  }

  private static func typeName(_ value: PlanJSON) -> String {
    switch value {
    case .null: return "null"
    case .bool: return "a boolean"
    case .integer: return "an integer"
    case .number: return "a number"
    case .string: return "a string"
    case .array: return "an array"
    case .object: return "an object"
    }
  }

  private static func format(_ d: Double) -> String {
    d == d.rounded() && abs(d) < 9e15 ? String(Int64(d)) : String(d)
  }

  static func join(_ base: String, _ name: String) -> String {
    base.isEmpty ? name : base + "." + name
  }

  private static func label(_ field: String) -> String {
    field.isEmpty ? "The body" : field
  }

  private static func article(_ type: String) -> String {
    (type.first.map { "aeiou".contains($0) } ?? false) ? "an \(type)" : "a \(type)"
  }
}

/// A write the API would refuse: its body does not fit the operation's request schema.
/// Shown like the API's 400 (field, code, message); exit 1.
public struct BodyValidationError: TerunFailure, CustomStringConvertible {
  /// The method, e.g. `PUT`.
  public var method: String
  /// The path relative to `/v7`.
  public var path: String
  /// The operation's id.
  public var operationId: String
  /// The problems found.
  public var problems: [BodyValidator.Problem]
  /// The plan's write number, when checked at apply.
  public var write: Int?
  /// The runbook's `file:line` that made the write, when checked in a run.
  public var location: String?

  public init(
    method: String, path: String, operationId: String, problems: [BodyValidator.Problem], write: Int? = nil
  ) {
    self.method = method
    self.path = path
    self.operationId = operationId
    self.problems = problems
    self.write = write
  }

  public var exitStatus: ExitStatus { .runbookError }

  public var message: String {
    let which = write.map { "write \($0): " } ?? location.map { "\($0): " } ?? ""
    return
      "\(which)\(method) /v7\(Placeholders.displayed(path)) (\(operationId)) would be refused by the API "
      + "(400 Bad Request): " + problems.map(\.description).joined(separator: "; ")
  }

  public var description: String { message }
}
