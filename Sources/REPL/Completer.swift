import LuaHost

/// Tab completion for the REPL: globals and keywords, the fields of tables reached by a dotted
/// prefix (`te.ag` → `te.agents`) or through indexing with a literal key (`sg[1].pub`,
/// `t["k"].x`), methods after `:`, and REPL commands after a leading `:`.
///
/// The prefix is walked in the live environment with raw access only (raw field reads, and
/// `__index` followed only when it is a table): completion never calls a function, never
/// runs a metamethod and never calls the API.
public struct Completer {
  /// The REPL commands offered after a leading `:`.
  public var commands: [String]

  /// Makes a completer.
  public init(commands: [String] = REPLCommand.names) {
    self.commands = commands
  }

  /// The candidates for `word`, the text being completed (everything after the last word
  /// break: `te.ag`, `pri`, `s:up`), sorted. `atLineStart` offers REPL commands for `:x`.
  ///
  /// `before` is the line's text before `word`: Tab's word breaks at `]`, so for `sg[1].pub`
  /// the word is `.pub` and `before` ends with `sg[1]`, the indexing walked first.
  public func candidates(
    for word: String, in state: LuaState, atLineStart: Bool = false, before: String = ""
  ) -> [String] {
    if atLineStart && word.hasPrefix(":") {
      return commands.filter { $0.hasPrefix(word) }.sorted()
    }
    let separatorIndex = word.lastIndex { $0 == "." || $0 == ":" }
    let partial = separatorIndex.map { String(word[word.index(after: $0)...]) } ?? word
    let head = separatorIndex.map { String(word[..<$0]) } ?? ""
    // The path is read back from the word's head through the text before it, so that where
    // the line editor split the word does not matter.
    let path = separatorIndex == nil ? "" : Self.trailingPath(before + head)
    guard let path, let keys = Self.keys(of: path) else { return [] }
    if separatorIndex != nil && keys.isEmpty { return [] }

    guard let found = state.withGlobals({ self.names(in: $0, following: keys[...]) }) else { return [] }
    var names = Set(found)
    if separatorIndex == nil { names.formUnion(LuaSyntax.keywords) }
    let prefix = separatorIndex.map { String(word[...$0]) } ?? ""
    let keywords = separatorIndex == nil ? Set(LuaSyntax.keywords) : []
    return names.filter { $0.hasPrefix(partial) && (LuaSyntax.isIdentifier($0) || keywords.contains($0)) }
      .sorted().map { prefix + $0 }
  }

  /// The longest common prefix of `candidates` (what a single Tab inserts).
  public static func commonPrefix(_ candidates: [String]) -> String {
    guard var prefix = candidates.first else { return "" }
    for candidate in candidates.dropFirst() {
      while !candidate.hasPrefix(prefix) { prefix.removeLast() }
    }
    return prefix
  }

  /// A key of a completion path: a name (`.name` or `["name"]`) or an integer (`[1]`).
  enum Key: Equatable {
    case name(String)
    case integer(Int64)

    /// The key as LuaHost looks it up.
    var lookup: LuaKey {
      switch self {
      case .name(let name): return .name(name)
      case .integer(let number): return .integer(number)
      }
    }
  }

  /// The keys of a path such as `te.agents`, `sg[1]` or `t["k"][2].x`, or nil when it is
  /// anything else (a call, an expression). A `:` may only come last.
  static func keys(of path: String) -> [Key]? {
    var keys: [Key] = []
    var rest = Substring(path)
    var first = true
    while !rest.isEmpty {
      if rest.first == "[" {
        guard let close = rest.firstIndex(of: "]") else { return nil }
        let inner = rest[rest.index(after: rest.startIndex)..<close].trimmingCharacters(in: .whitespaces)
        if let number = Int64(inner) {
          keys.append(.integer(number))
        } else if inner.count >= 2, let quote = inner.first, quote == "\"" || quote == "'",
          inner.last == quote
        {
          let text = String(inner.dropFirst().dropLast())
          if text.contains("\\") || text.contains(quote) { return nil }
          keys.append(.name(text))
        } else {
          return nil
        }
        rest = rest[rest.index(after: close)...]
      } else {
        if !first {
          guard rest.first == "." else { return nil }
          rest = rest.dropFirst()
        }
        let name = rest.prefix { $0 != "." && $0 != "[" }
        guard LuaSyntax.isIdentifier(String(name)) else { return nil }
        keys.append(.name(String(name)))
        rest = rest.dropFirst(name.count)
      }
      first = false
    }
    return keys
  }

  /// The path that ends `text`: `te.agents` of `type(te.agents`, `sg[1]` of `x = sg[1]`,
  /// `a.b["k"][2]`; nil when what ends `text` is not a path (a call, a method, an operator).
  static func trailingPath(_ text: String) -> String? {
    let characters = Array(text)
    var i = characters.count
    while i > 0 {
      let character = characters[i - 1]
      if character == "]" {
        // Back to the matching `[` (literal keys only: no nested brackets).
        guard let open = characters[..<(i - 1)].lastIndex(of: "[") else { return nil }
        i = open
      } else if character.isLetter || character.isNumber || character == "_" || character == "." {
        i -= 1
      } else {
        break
      }
    }
    if i > 0, characters[i - 1] == ":" { return nil }
    let path = String(characters[i...])
    guard let first = path.first, first.isLetter || first == "_", keys(of: path) != nil else { return nil }
    return path
  }

  /// The string keys found by following `keys` from `container`; nil when a key is missing.
  private func names(in container: LuaSlot, following keys: ArraySlice<Key>) -> [String]? {
    guard let key = keys.first else { return fieldNames(container) }
    return field(key, of: container) { names(in: $0, following: keys.dropFirst()) } ?? nil
  }

  /// Runs `body` with the field `key` of `container` (raw, then through `__index` tables, at
  /// most 8 deep); nil when the field is missing.
  private func field<T>(_ key: Key, of container: LuaSlot, depth: Int = 0, _ body: (LuaSlot) -> T) -> T? {
    guard depth < 8 else { return nil }
    if container.type == .table {
      let found: T? = container.withField(key.lookup) { $0.type == .nil ? nil : body($0) }
      if let found { return found }
    }
    return container.withIndexTable { field(key, of: $0, depth: depth + 1, body) } ?? nil
  }

  /// The string keys of `container` and of its `__index` tables (at most 8 deep).
  private func fieldNames(_ container: LuaSlot, depth: Int = 0) -> [String] {
    guard depth < 8 else { return [] }
    var names: [String] = []
    container.forEachPair { key, _ in
      if let name = key.text { names.append(name) }
    }
    return names + (container.withIndexTable { fieldNames($0, depth: depth + 1) } ?? [])
  }
}
