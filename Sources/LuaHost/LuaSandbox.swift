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

/// Global names that exist in plain Lua but not in the sandbox; reading one is a violation.
let forbiddenGlobals: Set<String> = [
  "io", "debug", "package", "dofile", "loadfile", "loadstring", "module", "setfenv", "getfenv",
  "ffi", "jit", "newproxy",
]

/// The `os` functions the sandbox keeps.
let allowedOSFunctions = ["time", "date", "clock", "difftime"]

/// Modules the standard library provides; `require` returns them without searching.
let standardModules = ["string", "table", "math", "utf8", "coroutine", "os"]

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

  private func installSandbox(_ options: LuaSandboxOptions) throws {
    openLibraries()
    luaL_requiref(L, "os", luaopen_os, 1)
    pop()
    let violation = function("sandbox") { context in
      throw LuaSandboxViolation(try context.string(1))
    }
    let forbidden = function("sandbox.index") { context in
      if case .string(let bytes) = try context.argument(2) {
        let name = String(decoding: bytes, as: UTF8.self)
        if forbiddenGlobals.contains(name) {
          throw LuaSandboxViolation("'\(name)' is not available in the sandbox")
        }
      }
      return 0
    }
    let forbiddenOS = function("sandbox.os") { context in
      let name = (try context.argument(2)).stringValue ?? "?"
      throw LuaSandboxViolation(
        "os.\(name) is not available in the sandbox (allowed: os.\(allowedOSFunctions.joined(separator: ", os.")))"
      )
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
    let setup = try load(source: sandboxSetupSource, chunkName: "=sandbox")
    _ = try call(
      setup,
      [
        violation, forbidden, forbiddenOS, patterns, findModule,
        .text(allowedOSFunctions.joined(separator: ",")), guarded,
      ])
  }
}

/// Lua run once per state to finish the sandbox: it gets host functions and edits the
/// globals in place.
private let sandboxSetupSource = """
  local violation, forbidden_index, forbidden_os, patterns, find_module, os_allowed, guarded = ...
  local G = _G
  local orig_load, type, setmetatable, byte, string, os, pcall = load, type, setmetatable, string.byte, string, os, pcall

  -- Where stock Lua runs code with hooks off or loops in C, versions that keep the limits.
  G.xpcall = guarded.xpcall
  G.coroutine.wrap, G.coroutine.close = guarded.wrap, guarded.close
  string.rep, G.table.move = guarded.rep, guarded.move

  -- Lua runs __gc finalizers with hooks off, where no limit can stop them: refused (as Luau
  -- does). Lua only marks an object for finalization if its metatable has __gc when set.
  G.setmetatable = guarded.make_setmetatable(violation)

  G.dofile, G.loadfile = nil, nil
  string.dump = function()
    violation("string.dump is not available in the sandbox")
  end
  for name, f in pairs(patterns) do string[name] = f end

  G.load = function(chunk, name, mode, ...)
    if mode ~= nil and mode ~= "t" then
      violation("load: only text chunks are allowed (mode '" .. tostring(mode) .. "' refused)")
    end
    if type(chunk) == "string" and byte(chunk, 1) == 27 then
      violation("load: binary chunks are not allowed")
    end
    if select("#", ...) > 0 then
      local env = ...
      if type(env) ~= "table" then
        violation("load: the environment must be a table")
      end
      return orig_load(chunk, name, "t", env)
    end
    return orig_load(chunk, name, "t")
  end

  local orig_collect = collectgarbage
  G.collectgarbage = function(opt, ...)
    if opt ~= "count" then
      violation("collectgarbage('" .. tostring(opt or "collect") .. "') is not allowed in the sandbox (only 'count')")
    end
    return orig_collect("count")
  end

  local safe_os = {}
  for name in os_allowed:gmatch("[^,]+") do safe_os[name] = os[name] end
  G.os = setmetatable(safe_os, { __index = forbidden_os, __metatable = false })

  local loaded, loading, error, rawget = {}, {}, error, rawget
  G.require = function(name)
    local module = loaded[name]
    if module ~= nil then return module end
    local chunk, path, standard = find_module(name)
    if standard then return rawget(G, name) end
    if chunk == nil then error(path, 2) end
    if loading[name] then error("require('" .. name .. "'): loop while loading the module", 2) end
    loading[name] = true
    local ok, result = pcall(chunk, name, path)
    loading[name] = nil
    if not ok then error(result, 0) end
    if result == nil then result = true end
    loaded[name] = result
    return result
  end

  local string_meta = getmetatable("")
  local frozen = setmetatable({}, {
    __index = string_meta,
    __newindex = function(_, key)
      violation("the string metatable is read-only (tried to set '" .. tostring(key) .. "')")
    end,
    __metatable = false,
  })
  string_meta.__metatable = frozen

  setmetatable(G, { __index = forbidden_index, __metatable = false })
  """

/// Finds modules for the sandbox's `require`: Lua source only, from host-given folders and
/// built-in modules. The `require` wrapper (Lua, in the setup chunk) caches results in a table
/// only the host can reach.
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

  /// `find_module(name)`: returns the compiled chunk and its path; `nil, nil, true` for a
  /// standard library module; `nil, message` when not found. Violations stop the run.
  func find(_ context: LuaCallContext) throws -> Int32 {
    let name = try context.string(1)
    if ["io", "debug", "package", "ffi", "jit"].contains(name) {
      throw LuaSandboxViolation("require('\(name)'): module '\(name)' is not available in the sandbox")
    }
    if standardModules.contains(name) {
      try context.push(.nil)
      try context.push(.nil)
      try context.push(true)
      return 3
    }
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
