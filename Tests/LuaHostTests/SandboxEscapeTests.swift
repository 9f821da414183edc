import Foundation
import Testing

@testable import LuaHost

/// Issue 2's sandbox escape suite at the LuaHost level: each case is refused with a clear
/// message and a limit/sandbox kind (the CLI's exit 3).
@Suite struct SandboxEscapeTests {
  private func expect(
    _ source: String, kind: LuaError.Kind, contains text: String,
    options: LuaSandboxOptions = LuaSandboxOptions(),
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    do {
      let state = try LuaState.sandboxed(options)
      let results = try state.run(source: source, chunkName: "escape.lua")
      Issue.record("expected \(kind), got results \(results)", sourceLocation: sourceLocation)
    } catch let error as LuaError {
      #expect(error.kind == kind, "\(error.description)", sourceLocation: sourceLocation)
      #expect(error.message.contains(text), "message: \(error.message)", sourceLocation: sourceLocation)
      #expect(error.kind.isLimitOrSandbox, sourceLocation: sourceLocation)
    } catch {
      Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
  }

  @Test func binaryChunksAreRefused() {
    expect(
      "local f = function() end\nreturn load(string.dump(f), nil, 'b')", kind: .sandboxViolation,
      contains: "string.dump is not available in the sandbox")
    expect(
      "return load('return 1', nil, 'b')", kind: .sandboxViolation,
      contains: "load: only text chunks are allowed (mode 'b' refused)")
    expect(
      "return load('\\27Lua\\x54\\0garbage')", kind: .sandboxViolation,
      contains: "binary chunks are not allowed")
    expect(
      "return load('\\27Lua', 'x', 't')", kind: .sandboxViolation, contains: "binary chunks are not allowed")
  }

  @Test func stringDumpIsAViolation() {
    expect(
      "return string.dump(print)", kind: .sandboxViolation,
      contains: "string.dump is not available in the sandbox")
    expect(
      "return ('').dump(function() end)", kind: .sandboxViolation, contains: "string.dump is not available")
  }

  @Test func stringMetatableCannotBeTamperedWith() throws {
    expect(
      "getmetatable('').__index = { rep = function() end }", kind: .sandboxViolation,
      contains: "the string metatable is read-only (tried to set '__index')")
    expect("local mt = getmetatable('')\nmt.__index = nil", kind: .sandboxViolation, contains: "read-only")
    // Reading works and reaches only the (sandboxed) string table; the proxy is locked too.
    let state = try LuaState.sandboxed()
    let error = try #require(throws: (any Error).self) {
      try state.run(source: "setmetatable(getmetatable(''), {})", chunkName: "m.lua")
    }
    #expect((error as? LuaError)?.message == "m.lua:1: cannot change a protected metatable")
    #expect(try state.run(source: "return getmetatable('').__index == string", chunkName: "m.lua") == [true])
  }

  @Test func removedLibrariesAndFunctionsAreViolations() {
    expect(
      "return io.open('/etc/passwd')", kind: .sandboxViolation,
      contains: "'io' is not available in the sandbox")
    expect(
      "return os.execute('touch /tmp/pwned')", kind: .sandboxViolation,
      contains:
        "os.execute is not available in the sandbox (allowed: os.time, os.date, os.clock, os.difftime)")
    expect("os.exit(0)", kind: .sandboxViolation, contains: "os.exit is not available")
    expect("return os.getenv('TE_TOKEN')", kind: .sandboxViolation, contains: "os.getenv is not available")
    expect(
      "return package.loadlib('libc.so.6', 'system')", kind: .sandboxViolation,
      contains: "'package' is not available")
    expect("return debug.getregistry()", kind: .sandboxViolation, contains: "'debug' is not available")
    expect("return dofile('/etc/passwd')", kind: .sandboxViolation, contains: "'dofile' is not available")
    expect("return loadfile('/etc/passwd')", kind: .sandboxViolation, contains: "'loadfile' is not available")
  }

  @Test func requireOfForbiddenOrCModulesIsRefused() {
    expect(
      "return require('io')", kind: .sandboxViolation, contains: "module 'io' is not available in the sandbox"
    )
    expect("return require('debug')", kind: .sandboxViolation, contains: "module 'debug' is not available")
    expect("return require('../secrets')", kind: .sandboxViolation, contains: "invalid module name")
    expect("return require('a/b')", kind: .sandboxViolation, contains: "invalid module name")
  }

  @Test func violationCannotBeSwallowedByPcall() {
    expect(
      "local ok = pcall(function() return io.open('x') end)\nlocal n = 0\nfor i = 1, 1e6 do n = n + i end\nreturn ok",
      kind: .sandboxViolation, contains: "'io' is not available")
    // Even code that stops right after pcall fails the run.
    expect("pcall(os.getenv, 'TE_TOKEN')\nreturn 1", kind: .sandboxViolation, contains: "os.getenv")
  }

  @Test func collectgarbageOnlyCounts() throws {
    expect(
      "collectgarbage('stop')", kind: .sandboxViolation,
      contains: "collectgarbage('stop') is not allowed in the sandbox (only 'count')")
    expect("collectgarbage()", kind: .sandboxViolation, contains: "collectgarbage('collect') is not allowed")
    let state = try LuaState.sandboxed()
    let kb = try state.run(source: "return collectgarbage('count')", chunkName: "c.lua")[0]
    #expect(kb.doubleValue ?? 0 > 1)
  }

  @Test func globalsMetatableIsLocked() throws {
    let state = try LuaState.sandboxed()
    let error = try #require(throws: (any Error).self) {
      try state.run(source: "setmetatable(_G, nil)", chunkName: "g.lua")
    }
    #expect((error as? LuaError)?.message == "g.lua:1: cannot change a protected metatable")
    #expect(
      try state.run(source: "return getmetatable(_G), rawget(_G, 'io')", chunkName: "g.lua") == [false, .nil])
    expect(
      "local ok = pcall(setmetatable, _G, nil)\nreturn io", kind: .sandboxViolation,
      contains: "'io' is not available")
  }

  @Test func infiniteLoopsStopAtTheInstructionBudgetEvenUnderPcall() {
    let options = LuaSandboxOptions(limits: LuaLimits(maxInstructions: 5_000_000))
    expect(
      "while true do end", kind: .instructionLimit, contains: "instruction limit exceeded", options: options)
    expect(
      "for i = 1, 100 do pcall(function() while true do end end) end\nreturn 'revived'",
      kind: .instructionLimit,
      contains: "instruction limit exceeded", options: options)
    expect(
      "local co = coroutine.create(function() while true do end end)\nlocal ok, err = coroutine.resume(co)\n"
        + "while true do end",
      kind: .instructionLimit, contains: "instruction limit exceeded", options: options)
    expect(
      "local co = coroutine.wrap(function() while true do end end)\nprint(pcall(co))\nreturn 'revived'",
      kind: .instructionLimit, contains: "instruction limit exceeded", options: options)
  }

  @Test func coroutinesInheritTheCountHook() throws {
    let state = try LuaState.sandboxed(LuaSandboxOptions(limits: LuaLimits(maxInstructions: 2_000_000)))
    // The loop runs only inside the coroutine: if it lacked the hook, this would never end.
    let error = try #require(throws: (any Error).self) {
      try state.run(
        source:
          "local co = coroutine.create(function() while true do end end)\nreturn coroutine.resume(co)",
        chunkName: "co.lua")
    }
    #expect((error as? LuaError)?.kind == .instructionLimit)
    #expect(state.instructionsUsed >= 2_000_000)
  }

  @Test func timeoutStopsALoopUnderPcall() {
    let start = Date()
    expect(
      "while true do pcall(function() while true do end end) end", kind: .timeout, contains: "timeout",
      options: LuaSandboxOptions(timeout: 0.5))
    #expect(Date().timeIntervalSince(start) < 3)
  }

  @Test func pathologicalPatternEndsAtTheTimeout() {
    let start = Date()
    expect(
      "return string.find(('a'):rep(1e5), '.-.-.-b')", kind: .timeout, contains: "timeout",
      options: LuaSandboxOptions(timeout: 2))
    let elapsed = Date().timeIntervalSince(start)
    #expect(elapsed > 1.9)
    #expect(elapsed < 3)
    // The same under pcall, and through gsub / gmatch / match.
    expect(
      "pcall(string.gsub, ('a'):rep(1e5), '.-.-.-b', 'x')\nlocal s = ('a'):rep(1e5)\nfor m in s:gmatch('.-.-.-b') do end",
      kind: .timeout, contains: "timeout", options: LuaSandboxOptions(timeout: 1))
  }

  @Test func pathologicalPatternCountsAgainstTheInstructionBudget() {
    expect(
      "return (('a'):rep(1e5)):match('.-.-.-b')", kind: .instructionLimit, contains: "instruction limit",
      options: LuaSandboxOptions(limits: LuaLimits(maxInstructions: 10_000_000)))
  }

  @Test func hugeRepIsRefused() throws {
    // Lua itself refuses strings of 2^31 bytes or more before allocating anything.
    let state = try LuaState.sandboxed()
    let error = try #require(throws: (any Error).self) {
      try state.run(source: "return ('x'):rep(2^31)", chunkName: "rep.lua")
    }
    #expect((error as? LuaError)?.kind == .runtime)
    #expect((error as? LuaError)?.message == "rep.lua:1: resulting string too large")
    // One byte less is allocated, and the memory cap (default 1 GiB) stops it, even under pcall.
    expect(
      "return ('x'):rep(2^31 - 1)", kind: .memoryLimit,
      contains: "memory limit exceeded (limit 1073741824 bytes)")
    expect(
      "local ok, err = pcall(string.rep, 'x', 2^31 - 1)\nlocal s = ('y'):rep(1000)\nreturn ok",
      kind: .memoryLimit,
      contains: "memory limit exceeded")
  }

  @Test func tableGrowthMemoryBombIsStopped() {
    let options = LuaSandboxOptions(limits: LuaLimits(maxMemory: 64 << 20))
    expect(
      "local t = {}\nfor i = 1, 1e9 do t[i] = {i} end", kind: .memoryLimit, contains: "memory limit exceeded",
      options: options)
    expect(
      "local t = {}\nlocal ok = pcall(function() for i = 1, 1e9 do t[i] = i end end)\nt = nil\nreturn ok",
      kind: .memoryLimit, contains: "memory limit exceeded", options: options)
  }

  @Test func deepRecursionIsACleanStackOverflow() throws {
    let state = try LuaState.sandboxed()
    do {
      let error = try #require(throws: LuaError.self) {
        try state.run(
          source: "local function f(n) return 1 + f(n + 1) end\nreturn f(1)", chunkName: "deep.lua")
      }
      #expect(error.kind == .runtime)
      #expect(error.message.hasPrefix("deep.lua:1: stack overflow"), "\(error.message)")
    }
    // The state is still usable afterwards.
    #expect(try state.run(source: "return 1 + 1", chunkName: "ok.lua") == [2])
    // C-stack recursion (through pcall, string.gsub callbacks) also ends cleanly.
    do {
      let error = try #require(throws: (any Error).self) {
        try state.run(
          source: "local t = setmetatable({}, { __index = function(t, k) return t[k] end })\nreturn t.x",
          chunkName: "cdeep.lua")
      }
      #expect((error as! LuaError).message.contains("stack overflow"), "\((error as! LuaError).message)")
    }
  }

  @Test func noEnvironmentVariableIsReadable() throws {
    let previous = getenv("TE_TOKEN").map { String(cString: $0) }
    setenv("TE_TOKEN", "secret-token-value", 1)
    defer {
      if let previous { setenv("TE_TOKEN", previous, 1) } else { unsetenv("TE_TOKEN") }
    }
    let state = try LuaState.sandboxed()
    let dump =
      try state.run(
        source: """
          local seen = {}
          local function walk(t, depth)
            if depth > 3 or seen[t] then return "" end
            seen[t] = true
            local out = {}
            for k, v in pairs(t) do
              out[#out + 1] = tostring(k) .. "=" .. tostring(v)
              if type(v) == "table" then out[#out + 1] = walk(v, depth + 1) end
            end
            return table.concat(out, "\\n")
          end
          return walk(_G, 0)
          """, chunkName: "env.lua")[0].stringValue ?? ""
    #expect(!dump.contains("secret-token-value"))
    #expect(!dump.contains("getenv"))
  }

  @Test func allowedLibrariesWork() throws {
    let state = try LuaState.sandboxed()
    let results = try state.run(
      source: """
        return math.type(3), table.concat({1, 2}, ","), utf8.char(233), string.format("%05.1f", 3.14159),
          type(os.time()), os.date("!%Y", 0), coroutine.wrap(function() coroutine.yield(7) end)(),
          load("return 1 + ...")(41), load("return x", "c", "t", { x = "env" })()
        """, chunkName: "libs.lua")
    #expect(results == ["integer", "1,2", .text("é"), "003.1", "number", "1970", 7, 42, "env"])
  }
}
