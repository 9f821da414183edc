import LuaHost

/// The Lua run before each runbook: `Lua/terun/prelude.lua`, embedded by the EmbedLuaSources
/// plugin. It returns `print`, the `te.log` table and the `runbook` header function.
enum Prelude {
  /// Compiles the prelude (chunk `@terun/prelude.lua`, one of terun's own; see ``InternalChunk``).
  static func load(into state: LuaState) throws -> LuaValue {
    try state.loadInternal("terun/prelude.lua", from: EmbeddedLuaSources.library)
  }
}
