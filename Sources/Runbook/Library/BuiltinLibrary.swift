/// The Lua sources built into the terun binary: the stdlib modules (from the top-level `stdlib/`)
/// and the shipped runbooks (from `runbooks/`), embedded at build time by the EmbedLuaSources plugin.
public enum BuiltinLibrary {
  /// stdlib module sources by module name (`stdlib/a/b.lua` is module `a.b`).
  public static var modules: [String: String] { EmbeddedLuaSources.stdlib }

  /// Shipped runbook sources by name (`runbooks/hello.lua` is `hello`).
  public static var runbooks: [String: String] { EmbeddedLuaSources.runbooks }
}
