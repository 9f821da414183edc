/// A JSON value with ordered object members, as the simulator reads and writes it.
///
/// Integers and floating-point numbers are kept apart so that `3` stays `3` and `3.5`
/// stays `3.5` on the wire; object members keep their insertion order.
enum JSONValue: Equatable, Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.int(let a), .int(let b)): return a == b
    case (.double(let a), .double(let b)): return a == b
    case (.string(let a), .string(let b)): return a == b
    case (.array(let a), .array(let b)): return a == b
    case (.object(let a), .object(let b)):
      return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    default: return false
    }
  }

  /// The member named `key` of an object, or nil.
  subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.0 == key }?.1
  }

  /// The string payload, if this is a string.
  var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  /// The integer payload, if this is an integer.
  var intValue: Int? {
    if case .int(let i) = self { return i }
    return nil
  }

  /// The members, if this is an object.
  var objectMembers: [(String, JSONValue)]? {
    if case .object(let m) = self { return m }
    return nil
  }

  /// The elements, if this is an array.
  var arrayValue: [JSONValue]? {
    if case .array(let a) = self { return a }
    return nil
  }

  /// The JSON type name used in validation messages.
  var typeName: String {
    switch self {
    case .null: return "null"
    case .bool: return "boolean"
    case .int: return "integer"
    case .double: return "number"
    case .string: return "string"
    case .array: return "array"
    case .object: return "object"
    }
  }
}

/// An ordered JSON object under construction.
struct JSONObject {
  private(set) var members: [(String, JSONValue)] = []

  init() {}

  init(_ members: [(String, JSONValue)]) {
    self.members = members
  }

  /// Sets (replacing) the member `key`; `nil` removes it.
  subscript(key: String) -> JSONValue? {
    get { members.first { $0.0 == key }?.1 }
    set {
      if let index = members.firstIndex(where: { $0.0 == key }) {
        if let newValue {
          members[index].1 = newValue
        } else {
          members.remove(at: index)
        }
      } else if let newValue {
        members.append((key, newValue))
      }
    }
  }

  var value: JSONValue { .object(members) }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByFloatLiteral
{
  init(stringLiteral value: String) { self = .string(value) }
  init(integerLiteral value: Int) { self = .int(value) }
  init(booleanLiteral value: Bool) { self = .bool(value) }
  init(floatLiteral value: Double) { self = .double(value) }
}
