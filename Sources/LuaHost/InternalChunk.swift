/// terun's own Lua: the `.lua` files a target embeds from its `Lua/` folder (the EmbedLuaSources
/// plugin), loaded under chunk names that say where they live (`@te/paging.lua`,
/// `@terun/sandbox.lua`).
///
/// Their frames are hidden from users by name: a location or traceback frame whose source starts
/// with one of ``prefixes`` is terun's, so an error points at the runbook's line that called into
/// it. No other chunk may carry such a name (see ``userChunkName(_:)``).
public enum InternalChunk {
  /// The folders of terun's own Lua, as chunk-name prefixes.
  public static let prefixes = ["te/", "terun/"]

  /// Whether `text` (a short source, a `file:line`, or a traceback frame) is in terun's own Lua.
  public static func isInternal<S: StringProtocol>(_ text: S) -> Bool {
    prefixes.contains { text.hasPrefix($0) }
  }

  /// A chunk name for code that is not terun's own: `name` unless it would read as internal, in
  /// which case it gets a `./` (a runbook at `te/x.lua` shows as `./te/x.lua`, never hidden).
  static func userChunkName(_ name: String) -> String {
    let marker = name.first.flatMap { "@=".contains($0) ? String($0) : nil } ?? ""
    let shown = name.dropFirst(marker.count)
    return isInternal(shown) ? marker + "./" + shown : name
  }
}

extension LuaState {
  /// Compiles the embedded file `path` of `sources` (a target's `EmbeddedLuaSources.library`)
  /// under the chunk name `@path`, e.g. `te/paging.lua`.
  public func loadInternal(_ path: String, from sources: [String: String]) throws -> LuaValue {
    guard let source = sources[path] else {
      throw LuaError(kind: .runtime, message: "terun: no embedded Lua file \(path)")
    }
    return try load(bytes: Array(source.utf8), name: "@" + path)
  }
}
