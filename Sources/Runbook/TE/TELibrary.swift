import LuaHost

/// The Lua half of the `te` API, built on the Swift primitives of `TEBridge`: the files of
/// `Lua/te/`, embedded by the EmbedLuaSources plugin (see `te/init.lua` for their order).
///
/// Their chunks are named `@te/NAME.lua`, which marks their frames as terun's own
/// (``InternalChunk``): an uncaught error's file:line is the runbook's line that called `te`.
enum TELibrary {
  /// The global that hands the run's `te` table to `te/init.lua` (set only while it runs).
  static let handoffGlobal = "__terun_te_install"

  /// Compiles `te/init.lua`, and makes `load_part(name)`, which compiles `te/NAME.lua`; the first
  /// is called with the primitives and the second.
  static func load(into state: LuaState) throws -> (library: LuaValue, loadPart: LuaValue) {
    let sources = EmbeddedLuaSources.library
    let loadPart = state.function("te.load_part") { [unowned state] call in
      try call.push(try state.loadInternal("te/" + (try call.string(1)) + ".lua", from: sources))
      return 1
    }
    return (try state.loadInternal("te/init.lua", from: sources), loadPart)
  }
}
