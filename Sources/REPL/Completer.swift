import CLuaBridge

/// Tab completion for the REPL: globals and keywords, the fields of tables reached by a dotted
/// prefix (`te.ag` → `te.agents`), methods after `:`, and REPL commands after a leading `:`.
///
/// The prefix is walked in the live environment with raw access only (`lua_rawget`, and
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
  public func candidates(for word: String, in L: OpaquePointer, atLineStart: Bool = false) -> [String] {
    if atLineStart && word.hasPrefix(":") {
      return commands.filter { $0.hasPrefix(word) }.sorted()
    }
    let separatorIndex = word.lastIndex { $0 == "." || $0 == ":" }
    let partial = separatorIndex.map { String(word[word.index(after: $0)...]) } ?? word
    let head = separatorIndex.map { String(word[..<$0]) } ?? ""
    let path = head.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    if separatorIndex != nil && (path.contains { !LuaSyntax.isIdentifier($0) } || path.isEmpty) { return [] }
    if path.contains(where: { $0.contains(":") }) { return [] }

    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    guard lua_checkstack(L, 8) != 0 else { return [] }
    terun_pushglobaltable(L)
    for name in path where !name.isEmpty {
      guard rawField(L, name) else { return [] }
    }
    var names = Set(fieldNames(L, lua_gettop(L)))
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

  /// Replaces the value on top of the stack by its field `name` (raw, then through an `__index`
  /// table). Returns false (popping nothing) when the field is missing.
  private func rawField(_ L: OpaquePointer, _ name: String) -> Bool {
    var container = lua_gettop(L)
    for _ in 0..<8 {
      if lua_type(L, container) == LUA_TTABLE {
        lua_pushstring(L, name)
        if lua_rawget(L, container) != LUA_TNIL {
          terun_replace(L, container)
          lua_settop(L, container)
          return true
        }
        terun_pop(L, 1)
      }
      guard pushIndexTable(L, container) else { return false }
      container = lua_gettop(L)
    }
    return false
  }

  /// Pushes the `__index` of the value's metatable when it is a table (raw reads only).
  private func pushIndexTable(_ L: OpaquePointer, _ index: Int32) -> Bool {
    guard lua_getmetatable(L, index) != 0 else { return false }
    lua_pushstring(L, "__index")
    lua_rawget(L, -2)
    terun_remove(L, -2)
    if lua_type(L, -1) == LUA_TTABLE { return true }
    terun_pop(L, 1)
    return false
  }

  /// The string keys of the value at `index` and of its `__index` tables.
  private func fieldNames(_ L: OpaquePointer, _ index: Int32) -> [String] {
    var names: [String] = []
    var container = index
    for _ in 0..<8 {
      if lua_type(L, container) == LUA_TTABLE {
        lua_pushnil(L)
        while lua_next(L, container) != 0 {
          terun_pop(L, 1)
          if lua_type(L, -1) == LUA_TSTRING {
            names.append(String(decoding: ValuePrinter.bytes(L, -1), as: UTF8.self))
          }
        }
      }
      guard pushIndexTable(L, container) else { break }
      container = lua_gettop(L)
    }
    return names
  }
}
