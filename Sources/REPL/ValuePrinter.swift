import CLuaBridge
import Foundation

/// Renders Lua values for the REPL: tables nested with sorted keys, arrays without indices,
/// cut after `maxDepth` levels and `maxItems` entries with an ellipsis, cycles marked.
///
/// Rendering reads the live stack with raw access only (`lua_next`, `lua_rawget`): no
/// metamethod runs and nothing can raise.
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

  /// Renders the value at `index` of `L`'s stack (the stack is left as it was).
  public func render(_ L: OpaquePointer, at index: Int32) -> String {
    let absolute = lua_absindex(L, index)
    var ancestors: Set<UnsafeRawPointer> = []
    return render(L, absolute, depth: 0, indent: 0, ancestors: &ancestors, topLevel: true)
  }

  private func render(
    _ L: OpaquePointer, _ index: Int32, depth: Int, indent: Int, ancestors: inout Set<UnsafeRawPointer>,
    topLevel: Bool
  ) -> String {
    switch lua_type(L, index) {
    case LUA_TNIL: return "nil"
    case LUA_TBOOLEAN: return lua_toboolean(L, index) != 0 ? "true" : "false"
    case LUA_TNUMBER: return Self.number(L, index)
    case LUA_TSTRING:
      return Self.quoted(Self.bytes(L, index), limit: topLevel ? nil : maxStringLength)
    case LUA_TTABLE:
      return table(L, index, depth: depth, indent: indent, ancestors: &ancestors)
    default:
      let typeName = String(cString: lua_typename(L, lua_type(L, index)))
      let address = lua_topointer(L, index).map { String(UInt(bitPattern: $0), radix: 16) } ?? "0"
      return "\(typeName): 0x\(address)"
    }
  }

  private func table(
    _ L: OpaquePointer, _ index: Int32, depth: Int, indent: Int, ancestors: inout Set<UnsafeRawPointer>
  ) -> String {
    guard let pointer = lua_topointer(L, index) else { return "{}" }
    if ancestors.contains(pointer) { return "<cycle>" }
    guard lua_checkstack(L, 4) != 0 else { return "{...}" }
    let count = Self.arrayLength(L, index)
    let keys = Self.otherKeys(L, index, arrayLength: count)
    let total = count + keys.count
    if total == 0 { return "{}" }
    if depth >= maxDepth { return "{...}" }
    ancestors.insert(pointer)
    defer { ancestors.remove(pointer) }
    var entries: [String] = []
    let shown = min(total, maxItems)
    for position in 0..<shown {
      if position < count {
        lua_rawgeti(L, index, lua_Integer(position + 1))
        entries.append(
          render(
            L, lua_gettop(L), depth: depth + 1, indent: indent + 2, ancestors: &ancestors, topLevel: false))
        terun_pop(L, 1)
      } else {
        let key = keys[position - count]
        if case .other = key.value {
          // A table or function key cannot be pushed again from Swift: show it, not its value.
          entries.append("\(key.label) = ...")
          continue
        }
        key.push(L)
        lua_rawget(L, index)
        let value = render(
          L, lua_gettop(L), depth: depth + 1, indent: indent + 2, ancestors: &ancestors, topLevel: false)
        terun_pop(L, 1)
        entries.append("\(key.label) = \(value)")
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
      case integer(lua_Integer)
      case number(Double)
      case boolean(Bool)
      case other(Int32, String)
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
      case .other(_, let text): return "[\(text)]"
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

    func push(_ L: OpaquePointer) {
      switch value {
      case .string(let bytes):
        if bytes.isEmpty {
          lua_pushstring(L, "")
        } else {
          bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
              _ = lua_pushlstring(L, $0, buffer.count)
            }
          }
        }
      case .integer(let number): lua_pushinteger(L, number)
      case .number(let number): lua_pushnumber(L, number)
      case .boolean(let flag): lua_pushboolean(L, flag ? 1 : 0)
      case .other: lua_pushnil(L)  // never looked up: the printer shows such keys without values
      }
    }

    static func < (lhs: Key, rhs: Key) -> Bool {
      if lhs.rank != rhs.rank { return lhs.rank < rhs.rank }
      switch (lhs.value, rhs.value) {
      case (.string(let a), .string(let b)): return a.lexicographicallyPrecedes(b)
      case (.boolean(let a), .boolean(let b)): return !a && b
      case (.other(_, let a), .other(_, let b)): return a < b
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
  static func arrayLength(_ L: OpaquePointer, _ index: Int32) -> Int {
    var length = 0
    while true {
      let type = lua_rawgeti(L, index, lua_Integer(length + 1))
      terun_pop(L, 1)
      if type == LUA_TNIL { return length }
      length += 1
    }
  }

  /// The keys outside the array part, sorted. Keys of other types (tables, functions) come
  /// last, by address; their values are not shown.
  static func otherKeys(_ L: OpaquePointer, _ index: Int32, arrayLength: Int) -> [Key] {
    var keys: [Key] = []
    lua_pushnil(L)
    while lua_next(L, index) != 0 {
      terun_pop(L, 1)
      switch lua_type(L, -1) {
      case LUA_TSTRING: keys.append(Key(value: .string(bytes(L, -1))))
      case LUA_TNUMBER:
        if lua_isinteger(L, -1) != 0 {
          let number = lua_tointegerx(L, -1, nil)
          if number < 1 || number > arrayLength { keys.append(Key(value: .integer(number))) }
        } else {
          keys.append(Key(value: .number(lua_tonumberx(L, -1, nil))))
        }
      case LUA_TBOOLEAN: keys.append(Key(value: .boolean(lua_toboolean(L, -1) != 0)))
      default:
        let typeName = String(cString: lua_typename(L, lua_type(L, -1)))
        let address = lua_topointer(L, -1).map { String(UInt(bitPattern: $0), radix: 16) } ?? "0"
        keys.append(Key(value: .other(lua_type(L, -1), "\(typeName): 0x\(address)")))
      }
    }
    return keys.filter { if case .other = $0.value { return false } else { return true } }.sorted(by: <)
      + keys.filter { if case .other = $0.value { return true } else { return false } }
  }

  // MARK: Scalars

  static func bytes(_ L: OpaquePointer, _ index: Int32) -> [UInt8] {
    var length = 0
    guard let pointer = terun_tolstring(L, index, &length) else { return [] }
    return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
      Array(UnsafeBufferPointer(start: $0, count: length))
    }
  }

  static func number(_ L: OpaquePointer, _ index: Int32) -> String {
    if lua_isinteger(L, index) != 0 { return String(lua_tointegerx(L, index, nil)) }
    return format(lua_tonumberx(L, index, nil))
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
