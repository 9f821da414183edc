import Foundation
import LuaHost

/// Renders Lua values for the REPL: tables nested with sorted keys, arrays without indices,
/// cut after `maxDepth` levels and `maxItems` entries with an ellipsis, cycles marked.
///
/// Rendering reads the value in place (a ``LuaSlot``) with raw access only: no metamethod
/// runs and nothing can raise.
public struct ValuePrinter: Sendable {
  /// Tables nested deeper than this print as `{...}`.
  public var maxDepth: Int
  /// Entries shown per table before `... (N more)`.
  public var maxItems: Int
  /// A table whose one-line form fits in this many columns prints on one line.
  public var lineWidth: Int
  /// Strings inside tables longer than this many bytes are cut with `...`.
  public var maxStringLength: Int

  /// Makes a printer.
  public init(maxDepth: Int = 4, maxItems: Int = 40, lineWidth: Int = 80, maxStringLength: Int = 200) {
    self.maxDepth = maxDepth
    self.maxItems = maxItems
    self.lineWidth = lineWidth
    self.maxStringLength = maxStringLength
  }

  /// Renders `value` (read in place; nothing is changed).
  public func render(_ value: LuaSlot) -> String {
    var ancestors: Set<UnsafeRawPointer> = []
    return render(value, depth: 0, indent: 0, ancestors: &ancestors, topLevel: true)
  }

  private func render(
    _ value: LuaSlot, depth: Int, indent: Int, ancestors: inout Set<UnsafeRawPointer>, topLevel: Bool
  ) -> String {
    switch value.type {
    case .nil, .none: return "nil"
    case .boolean: return value.isTruthy ? "true" : "false"
    case .number: return Self.number(value)
    case .string:
      return Self.quoted(value.bytes ?? [], limit: topLevel ? nil : maxStringLength)
    case .table:
      return table(value, depth: depth, indent: indent, ancestors: &ancestors)
    default:
      return Self.address(value)
    }
  }

  private func table(
    _ value: LuaSlot, depth: Int, indent: Int, ancestors: inout Set<UnsafeRawPointer>
  ) -> String {
    guard let pointer = value.identity else { return "{}" }
    if ancestors.contains(pointer) { return "<cycle>" }
    let count = Self.arrayLength(value)
    let keys = Self.otherKeys(value, arrayLength: count)
    let total = count + keys.count
    if total == 0 { return "{}" }
    if depth >= maxDepth { return "{...}" }
    ancestors.insert(pointer)
    defer { ancestors.remove(pointer) }
    var entries: [String] = []
    let shown = min(total, maxItems)
    for position in 0..<shown {
      if position < count {
        entries.append(
          value.withElement(Int64(position + 1)) {
            render($0, depth: depth + 1, indent: indent + 2, ancestors: &ancestors, topLevel: false)
          })
      } else {
        let key = keys[position - count]
        guard let lookup = key.lookup else {
          // A table or function key cannot be looked up again from Swift: show it, not its value.
          entries.append("\(key.label) = ...")
          continue
        }
        let rendered = value.withField(lookup) {
          render($0, depth: depth + 1, indent: indent + 2, ancestors: &ancestors, topLevel: false)
        }
        entries.append("\(key.label) = \(rendered)")
      }
    }
    if total > shown { entries.append("... (\(total - shown) more)") }
    let oneLine = "{" + entries.joined(separator: ", ") + "}"
    if !oneLine.contains("\n") && indent + oneLine.count <= lineWidth { return oneLine }
    let pad = String(repeating: " ", count: indent + 2)
    return "{\n" + entries.map { pad + $0 + "," }.joined(separator: "\n") + "\n"
      + String(repeating: " ", count: indent) + "}"
  }

  // MARK: Keys

  /// A non-array key of a table, with how it prints and how to push it again.
  struct Key {
    enum Value {
      case string([UInt8])
      case integer(Int64)
      case number(Double)
      case boolean(Bool)
      case other(String)
    }
    let value: Value

    /// The key as it appears before `=`: `name`, `["two words"]`, `[3]`.
    var label: String {
      switch value {
      case .string(let bytes):
        let text = String(decoding: bytes, as: UTF8.self)
        return LuaSyntax.isIdentifier(text) ? text : "[\(ValuePrinter.quoted(bytes, limit: nil))]"
      case .integer(let number): return "[\(number)]"
      case .number(let number): return "[\(ValuePrinter.format(number))]"
      case .boolean(let flag): return "[\(flag)]"
      case .other(let text): return "[\(text)]"
      }
    }

    /// Sort order: numbers, then strings, then booleans, then the rest.
    var rank: Int {
      switch value {
      case .integer, .number: return 0
      case .string: return 1
      case .boolean: return 2
      case .other: return 3
      }
    }

    /// The key to look its value up with; nil for a key of another type.
    var lookup: LuaKey? {
      switch value {
      case .string(let bytes): return .string(bytes)
      case .integer(let number): return .integer(number)
      case .number(let number): return .number(number)
      case .boolean(let flag): return .boolean(flag)
      case .other: return nil
      }
    }

    static func < (lhs: Key, rhs: Key) -> Bool {
      if lhs.rank != rhs.rank { return lhs.rank < rhs.rank }
      switch (lhs.value, rhs.value) {
      case (.string(let a), .string(let b)): return a.lexicographicallyPrecedes(b)
      case (.boolean(let a), .boolean(let b)): return !a && b
      case (.other(let a), .other(let b)): return a < b
      default: return lhs.numeric < rhs.numeric
      }
    }

    var numeric: Double {
      switch value {
      case .integer(let number): return Double(number)
      case .number(let number): return number
      default: return 0
      }
    }
  }

  /// The length of the run of non-nil values at 1, 2, 3, ... (raw).
  static func arrayLength(_ table: LuaSlot) -> Int {
    var length = 0
    while table.withElement(Int64(length + 1), { $0.type != .nil && $0.type != .none }) { length += 1 }
    return length
  }

  /// The keys outside the array part, sorted. Keys of other types (tables, functions) come
  /// last, by address; their values are not shown.
  static func otherKeys(_ table: LuaSlot, arrayLength: Int) -> [Key] {
    var keys: [Key] = []
    table.forEachPair { key, _ in
      switch key.type {
      case .string: keys.append(Key(value: .string(key.bytes ?? [])))
      case .number:
        if let number = key.integer {
          if number < 1 || number > arrayLength { keys.append(Key(value: .integer(number))) }
        } else {
          keys.append(Key(value: .number(key.number ?? 0)))
        }
      case .boolean: keys.append(Key(value: .boolean(key.isTruthy)))
      default: keys.append(Key(value: .other(address(key))))
      }
    }
    return keys.filter { if case .other = $0.value { return false } else { return true } }.sorted(by: <)
      + keys.filter { if case .other = $0.value { return true } else { return false } }
  }

  // MARK: Scalars

  /// `table: 0x55d0c8a3f2a0`, as `tostring` shows a value without a `__tostring`.
  static func address(_ value: LuaSlot) -> String {
    let address = value.identity.map { String(UInt(bitPattern: $0), radix: 16) } ?? "0"
    return "\(value.typeName): 0x\(address)"
  }

  static func number(_ value: LuaSlot) -> String {
    if let integer = value.integer { return String(integer) }
    return format(value.number ?? 0)
  }

  /// A float as Lua prints it (`%.14g`, with `.0` when it looks like an integer).
  static func format(_ number: Double) -> String {
    if number.isNaN { return number.sign == .minus ? "-nan" : "nan" }
    if number.isInfinite { return number < 0 ? "-inf" : "inf" }
    let text = String(format: "%.14g", number)
    if text.allSatisfy({ $0.isNumber || $0 == "-" }) { return text + ".0" }
    return text
  }

  /// A string in double quotes with escapes, cut after `limit` bytes.
  static func quoted(_ bytes: [UInt8], limit: Int?) -> String {
    var shown = bytes
    var cut = 0
    if let limit, bytes.count > limit {
      shown = Array(bytes.prefix(limit))
      cut = bytes.count - limit
    }
    var text = "\""
    for scalar in String(decoding: shown, as: UTF8.self).unicodeScalars {
      switch scalar {
      case "\"": text += "\\\""
      case "\\": text += "\\\\"
      case "\n": text += "\\n"
      case "\r": text += "\\r"
      case "\t": text += "\\t"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7f {
          text += "\\" + String(scalar.value)
        } else {
          text.unicodeScalars.append(scalar)
        }
      }
    }
    text += "\""
    if cut > 0 { text += "...(\(cut) more bytes)" }
    return text
  }
}
