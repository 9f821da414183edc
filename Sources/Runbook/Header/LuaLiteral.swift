/// A Lua value written literally in a runbook header: what `runbook { ... }` may contain.
///
/// Only constants and table constructors are allowed, so reading a header never runs code.
public indirect enum LuaLiteral: Sendable, Equatable {
  case `nil`
  case boolean(Bool)
  case integer(Int64)
  case number(Double)
  case string(String)
  case table(LuaLiteralTable)

  /// A short name of the value's kind for messages ("a string", "a table").
  public var kindName: String {
    switch self {
    case .nil: return "nil"
    case .boolean: return "a boolean"
    case .integer: return "an integer"
    case .number: return "a number"
    case .string: return "a string"
    case .table: return "a table"
    }
  }
}

/// A literal table constructor: positional items and named fields, in source order.
public struct LuaLiteralTable: Sendable, Equatable {
  /// The positional items (`{ "a", "b" }`), in order.
  public var items: [LuaLiteral] = []
  /// The named fields (`{ k = v, ["k"] = v }`), in source order.
  public var fields: [(key: String, value: LuaLiteral)] = []
  /// The 1-based source line of each field, by key.
  public var fieldLines: [String: Int] = [:]

  /// Creates an empty table.
  public init() {}

  /// The value of the named field `key`, if present.
  public subscript(key: String) -> LuaLiteral? {
    fields.first { $0.key == key }?.value
  }

  public static func == (lhs: LuaLiteralTable, rhs: LuaLiteralTable) -> Bool {
    lhs.items == rhs.items && lhs.fields.map(\.key) == rhs.fields.map(\.key)
      && lhs.fields.map(\.value) == rhs.fields.map(\.value)
  }
}
