import CLuaBridge
import Foundation

/// How to set up a sandboxed state for one run.
public struct LuaSandboxOptions: Sendable {
  /// Memory cap and instruction budget.
  public var limits: LuaLimits
  /// Wall-clock limit in seconds, enforced by a watchdog started when the state is made.
  public var timeout: Double?
  /// Folders `require` searches, in order (the runbook's folder, then `TERUN_PATH` entries).
  public var requirePaths: [String]
  /// Built-in modules `require` finds after the folders: name → Lua source (the stdlib).
  public var builtinModules: [String: String]
  /// Files `require` never loads (the API token file), by path and by device and inode.
  public var deniedFiles: [String] = []

  /// Makes options.
  public init(
    limits: LuaLimits = LuaLimits(), timeout: Double? = nil, requirePaths: [String] = [],
    builtinModules: [String: String] = [:]
  ) {
    self.limits = limits
    self.timeout = timeout
    self.requirePaths = requirePaths
    self.builtinModules = builtinModules
  }
}

extension LuaState {
  /// Makes a fresh sandboxed state (see docs/architecture.md, "The sandbox"): the global table holds only
  /// base (with `load` forced to text chunks, no `dofile`/`loadfile`, `collectgarbage` limited
  /// to "count"), `string` (no `dump`; pattern functions that obey the limits), `table`,
  /// `math`, `utf8`, `coroutine`, `os.time/date/clock/difftime`, and a `require` that loads
  /// Lua source from `options.requirePaths` and `options.builtinModules`. Reading a removed
  /// name (`io`, `debug`, `os.execute`, ...) stops the run with a sandbox violation. The
  /// runner adds `te` with `setGlobal`/`register`.
  public static func sandboxed(_ options: LuaSandboxOptions = LuaSandboxOptions()) throws -> LuaState {
    let state = try LuaState(limits: options.limits)
    try state.installSandbox(options)
    if let timeout = options.timeout { state.startWatchdog(seconds: timeout) }
    return state
  }

  /// Runs `terun/sandbox.lua` (the policy and the set-up, in Lua) with the host functions it needs.
  private func installSandbox(_ options: LuaSandboxOptions) throws {
    openLibraries()
    luaL_requiref(L, "os", luaopen_os, 1)
    pop()
    let violation = function("sandbox") { context in
      throw LuaSandboxViolation(try context.string(1))
    }
    terun_open_safe_patterns(L)
    let patterns = try value(at: -1)
    pop()
    terun_open_guarded_library(L)
    let guarded = try value(at: -1)
    pop()
    let loader = ModuleLoader(
      state: self, paths: options.requirePaths, builtins: options.builtinModules,
      denied: options.deniedFiles.compactMap(FileIdentity.init(path:)))
    let findModule = function("require") { context in try loader.find(context) }
    let setup = try loadInternal("terun/sandbox.lua", from: EmbeddedLuaSources.library)
    let internalPrefixes = LuaValue.table(LuaTable(array: InternalChunk.prefixes.map { .text($0) }))
    _ = try call(setup, [violation, patterns, findModule, guarded, internalPrefixes])
  }
}

/// Finds modules for the sandbox's `require`: Lua source only, from host-given folders and
/// built-in modules. The `require` wrapper (in `terun/sandbox.lua`) refuses the denied modules,
/// returns the standard ones, and caches results in a table only the host can reach.
final class ModuleLoader {
  unowned let state: LuaState
  let paths: [String]
  let builtins: [String: String]
  let denied: [FileIdentity]

  init(state: LuaState, paths: [String], builtins: [String: String], denied: [FileIdentity] = []) {
    self.state = state
    self.paths = paths
    self.builtins = builtins
    self.denied = denied
  }

  /// `find_module(name)`: returns the compiled chunk and its path, or `nil, message` when not
  /// found. Violations stop the run.
  func find(_ context: LuaCallContext) throws -> Int32 {
    let name = try context.string(1)
    let valid =
      !name.isEmpty && !name.contains("..") && name.first != "."
      && name.unicodeScalars.allSatisfy {
        $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_.-".unicodeScalars.contains($0))
      }
    guard valid else {
      throw LuaSandboxViolation(
        "require('\(name)'): invalid module name (letters, digits, '_', '-' and '.' only; no '/' or '..')")
    }
    let relative = name.replacingOccurrences(of: ".", with: "/") + ".lua"
    var tried: [String] = []
    for folder in paths {
      let path = (folder as NSString).appendingPathComponent(relative)
      tried.append("no file '\(path)'")
      if let bytes = try readModule(at: path, under: folder) {
        try context.push(try state.load(source: bytes, chunkName: path))
        try context.push(.text(path))
        return 2
      }
    }
    if let source = builtins[name] {
      try context.push(try state.load(source: source, chunkName: "stdlib/" + relative))
      try context.push(.text("stdlib/" + relative))
      return 2
    }
    tried.append("no built-in module '\(name)'")
    try context.push(.nil)
    try context.push(.text("module '\(name)' not found:\n\t" + tried.joined(separator: "\n\t")))
    return 2
  }

  /// Reads a module file if it exists and really lies under `folder` (symlinks resolved).
  private func readModule(at path: String, under folder: String) throws -> [UInt8]? {
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    let root = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
    let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    guard real.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
      throw LuaSandboxViolation("require: '\(path)' leads outside '\(folder)'")
    }
    if let identity = FileIdentity(path: real),
      denied.contains(where: {
        $0.path == identity.path || ($0.device == identity.device && $0.inode == identity.inode)
      })
    {
      throw LuaSandboxViolation("require: '\(path)' is the API token file, which is never readable")
    }
    guard let data = FileManager.default.contents(atPath: real) else {
      throw LuaScriptError("require: cannot read '\(path)'")
    }
    return [UInt8](data)
  }
}
