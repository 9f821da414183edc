import LuaHost

/// Converts a Lua query table into query parameters.
///
/// Strings pass as they are; integers (and floats with an integral value) print as integers;
/// booleans as `true`/`false`; a list joins its items with commas (the API's
/// `style: form, explode: false`). Names are sorted, so a URL is the same on every run.
enum TEQuery {
  static func items(_ value: LuaValue, function: String) throws -> [(name: String, value: String)] {
    switch value {
    case .nil:
      return []
    case .table(let table):
      var items: [(name: String, value: String)] = []
      for (name, entry) in table.fields.sorted(by: { $0.key < $1.key }) {
        guard let text = try scalar(entry, function: function, name: name) else { continue }
        items.append((name, text))
      }
      if !table.array.isEmpty || !table.other.isEmpty {
        throw LuaScriptError("\(function): query keys must be names (got a list or non-string key)")
      }
      return items
    default:
      throw LuaScriptError("\(function): query must be a table, got \(value.typeName)")
    }
  }

  private static func scalar(_ value: LuaValue, function: String, name: String) throws -> String? {
    switch value {
    case .nil: return nil
    case .table(let table):
      guard table.fields.isEmpty, table.other.isEmpty else {
        throw LuaScriptError("\(function): query parameter '\(name)' must be a value or a list of values")
      }
      return try table.array.compactMap { try scalar($0, function: function, name: name) }.joined(
        separator: ",")
    default:
      guard let text = value.scalarText else {
        throw LuaScriptError("\(function): query parameter '\(name)' cannot be a \(value.typeName)")
      }
      return text
    }
  }

  /// An id given as a string or a number, as the path segment text.
  static func identifier(_ value: LuaValue) -> String? {
    switch value {
    case .string(let bytes): return String(decoding: bytes, as: UTF8.self)
    case .integer(let number): return String(number)
    case .number(let number): return Int64(exactly: number).map(String.init)
    default: return nil
    }
  }
}
