/// A Lua value copied out of (or into) a `LuaState`.
///
/// Integers stay integers: a Lua integer is `.integer`, a float is `.number`, even `3.0`.
/// Strings are bytes (embedded zeros allowed); `.text(_:)` and `stringValue` convert UTF-8.
public enum LuaValue: Hashable, Sendable {
  case `nil`
  case boolean(Bool)
  case integer(Int64)
  case number(Double)
  case string([UInt8])
  case table(LuaTable)
  /// A Lua function held through a registry reference (released when the last copy goes).
  case function(LuaReference)
  /// Userdata, light userdata or a thread, held through a registry reference.
  case reference(LuaReference)

  /// A UTF-8 string value.
  public static func text(_ string: String) -> LuaValue { .string(Array(string.utf8)) }

  /// The string as UTF-8 text (invalid sequences repaired), or nil if not a string.
  public var stringValue: String? {
    if case .string(let bytes) = self { return String(decoding: bytes, as: UTF8.self) }
    return nil
  }

  /// The integer, or a float with an exact integer value; nil otherwise.
  public var integerValue: Int64? {
    switch self {
    case .integer(let i): return i
    case .number(let d): return Int64(exactly: d)
    default: return nil
    }
  }

  /// The number as a Double (integers converted), or nil.
  public var doubleValue: Double? {
    switch self {
    case .integer(let i): return Double(i)
    case .number(let d): return d
    default: return nil
    }
  }

  /// The value as query or command-line text: a string as it is, an integer (or a float with
  /// an exact integer value) without a fraction, another float as Swift prints it, a boolean
  /// as `true`/`false`; nil for nil, tables, functions and other values.
  public var scalarText: String? {
    switch self {
    case .string(let bytes): return String(decoding: bytes, as: UTF8.self)
    case .integer(let number): return String(number)
    case .number(let number): return Int64(exactly: number).map(String.init) ?? String(number)
    case .boolean(let flag): return flag ? "true" : "false"
    default: return nil
    }
  }

  /// The table, or nil.
  public var tableValue: LuaTable? {
    if case .table(let t) = self { return t }
    return nil
  }

  /// The Lua type name ("nil", "boolean", "number", "string", "table", "function", ...).
  public var typeName: String {
    switch self {
    case .nil: return "nil"
    case .boolean: return "boolean"
    case .integer, .number: return "number"
    case .string: return "string"
    case .table: return "table"
    case .function: return "function"
    case .reference(let r): return r.typeName
    }
  }

  /// Looks up a string key in a table value; `.nil` for anything else.
  public subscript(key: String) -> LuaValue {
    tableValue?.fields[key] ?? .nil
  }
}

extension LuaValue: ExpressibleByNilLiteral {
  public init(nilLiteral: ()) { self = .nil }
}

extension LuaValue: ExpressibleByBooleanLiteral {
  public init(booleanLiteral value: Bool) { self = .boolean(value) }
}

extension LuaValue: ExpressibleByIntegerLiteral {
  public init(integerLiteral value: Int64) { self = .integer(value) }
}

extension LuaValue: ExpressibleByFloatLiteral {
  public init(floatLiteral value: Double) { self = .number(value) }
}

extension LuaValue: ExpressibleByStringLiteral {
  public init(stringLiteral value: String) { self = .text(value) }
}

extension LuaValue: ExpressibleByArrayLiteral {
  public init(arrayLiteral elements: LuaValue...) { self = .table(LuaTable(array: elements)) }
}

extension LuaValue: ExpressibleByDictionaryLiteral {
  public init(dictionaryLiteral elements: (String, LuaValue)...) {
    self = .table(LuaTable(fields: Dictionary(elements, uniquingKeysWith: { _, last in last })))
  }
}

/// A table copied out of Lua: its sequence `1...n` in `array`, string keys in `fields`, and
/// any other keys (floats, booleans, integers outside the sequence) in `other`.
public struct LuaTable: Hashable, Sendable {
  /// Values at keys 1...array.count.
  public var array: [LuaValue]
  /// Values at string keys.
  public var fields: [String: LuaValue]
  /// Values at other keys.
  public var other: [LuaValue: LuaValue]

  /// Makes a table from its parts.
  public init(array: [LuaValue] = [], fields: [String: LuaValue] = [:], other: [LuaValue: LuaValue] = [:]) {
    self.array = array
    self.fields = fields
    self.other = other
  }

  /// True if the table has no entries.
  public var isEmpty: Bool { array.isEmpty && fields.isEmpty && other.isEmpty }
}
