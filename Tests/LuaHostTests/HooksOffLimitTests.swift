import CLua
import Foundation
import Testing

@testable import LuaHost

/// Issue 13 "Time" and "Memory" at the LuaHost level: the limits hold where stock Lua runs code
/// with hooks off (xpcall handlers, __gc, __close of a stopped coroutine) or loops in C
/// (string.rep, table.move), the backstop ends a stopped run that does not end, and host
/// memory counts against the cap.
@Suite struct HooksOffLimitTests {
  private func run(_ source: String, options: LuaSandboxOptions) -> LuaError? {
    do {
      let state = try LuaState.sandboxed(options)
      _ = try state.run(source: source, chunkName: "case.lua")
      return nil
    } catch let error as LuaError {
      return error
    } catch {
      Issue.record("unexpected \(error)")
      return nil
    }
  }

  private let instructions = LuaSandboxOptions(limits: LuaLimits(maxInstructions: 2_000_000))

  @Test(arguments: [
    "xpcall(function() while true do end end, function() while true do end end)",
    "coroutine.wrap(function() xpcall(function() while true do end end, function() while true do end end) end)()",
    "local co = coroutine.create(function() xpcall(function() while true do end end, function() while true do end end) end) coroutine.resume(co) while true do end",
    "xpcall(function() while true do end end, function() xpcall(error, function() while true do end end) while true do end end)",
  ])
  func xpcallHandlersAreNotRunOnceTheRunIsStopped(source: String) {
    #expect(run(source, options: instructions)?.kind == .instructionLimit)
  }

  @Test func xpcallHandlersStillRunForOrdinaryErrors() throws {
    let state = try LuaState.sandboxed()
    #expect(
      try state.run(
        source: "return xpcall(function() error('boom', 0) end, function(e) return 'handled ' .. e end)",
        chunkName: "x.lua") == [false, .text("handled boom")])
    #expect(
      try state.run(
        source: "return xpcall(function(a, b) return a + b end, print, 2, 3)", chunkName: "x.lua") == [
          true, 5,
        ])
  }

  @Test(arguments: [
    "setmetatable({}, { __gc = function() while true do end end })",
    "coroutine.wrap(function() setmetatable({}, { __gc = print }) end)()",
    "setmetatable({}, { __gc = false })",
  ])
  func gcMetamethodsAreRefused(source: String) {
    let error = run(source, options: instructions)
    #expect(error?.kind == .sandboxViolation)
    #expect(error?.message == "setmetatable: __gc metamethods are not allowed in the sandbox")
  }

  @Test func aGcReachedOnlyThroughIndexIsNoMetamethod() {
    // A __gc reached only through __index is not a metamethod: Lua never calls it.
    let source =
      "local mt = setmetatable({}, { __index = { __gc = print } }) setmetatable({}, mt) return 'ok'"
    #expect(run(source, options: instructions) == nil)
  }

  private static let closeLoop = "setmetatable({}, { __close = function() while true do end end })"

  @Test(arguments: [
    "coroutine.wrap(function() local x <close> = \(closeLoop) while true do end end)()",
    "local co = coroutine.create(function() local x <close> = \(closeLoop) while true do end end) coroutine.resume(co) coroutine.close(co)",
    "do local x <close> = \(closeLoop) end",
    "pcall(function() local x <close> = \(closeLoop) error('x') end)",
  ])
  func stoppedCoroutinesAreNotClosed(source: String) {
    #expect(run(source, options: instructions)?.kind == .instructionLimit)
  }

  @Test func coroutineWrapKeepsItsSemantics() throws {
    let state = try LuaState.sandboxed()
    let source = """
      local log = {}
      local f = coroutine.wrap(function(a)
        local x <close> = setmetatable({}, { __close = function() log[#log + 1] = "closed" end })
        local b = coroutine.yield(a + 1)
        error("boom " .. b)
      end)
      log[#log + 1] = f(1)
      local ok, err = pcall(f, 5)
      log[#log + 1] = err
      local ok2, err2 = pcall(f)
      log[#log + 1] = err2
      return table.concat(log, "|")
      """
    #expect(
      try state.run(source: source, chunkName: "w.lua") == [
        .text("2|closed|w.lua:5: boom 5|cannot resume dead coroutine")
      ])
  }

  @Test func longCCallsAreCharged() {
    #expect(run("table.move({}, 1, 2^40, 2)", options: instructions)?.kind == .instructionLimit)
    #expect(run("table.move({}, 1, 2^40, 1, {})", options: instructions)?.kind == .instructionLimit)
    #expect(run("string.rep('ab', 50000000)", options: instructions)?.kind == .instructionLimit)
    #expect(
      run(
        "return string.rep('', 10) .. string.rep('x', 3, '') .. string.rep('', 2^62) .. string.rep('', 2^62, '')",
        options: instructions) == nil)
  }

  @Test func theErrorObjectsTostringIsStoppedAsALimit() {
    let error = run(
      "error(setmetatable({}, { __tostring = function() while true do end end }))", options: instructions)
    #expect(error?.kind == .instructionLimit)
  }

  /// The kinds the backstop reported, from the watchdog's thread (an expectation there would
  /// not be recorded against the test).
  private final class Reports: @unchecked Sendable {
    private let lock = NSLock()
    private var kinds: [LuaError.Kind] = []
    func append(_ kind: LuaError.Kind) { lock.withLock { kinds.append(kind) } }
    var all: [LuaError.Kind] { lock.withLock { kinds } }
  }

  @Test func theBackstopEndsAStoppedRunThatDoesNotEnd() async throws {
    let state = try LuaState.sandboxed()
    let started = Date()
    let reports = Reports()
    await confirmation("the backstop fires") { stuck in
      state.armBackstop(grace: 0.2) { kind in
        reports.append(kind)
        stuck()
      }
      // Host code that ignores the kill switch stands for any code that cannot be stopped.
      state.register("stall") { _ in
        Thread.sleep(forTimeInterval: 1.5)
        return 0
      }
      state.startWatchdog(seconds: 0.1)
      #expect(throws: (any Error).self) { try state.run(source: "stall()", chunkName: "s.lua") }
    }
    #expect(reports.all == [.timeout])
    #expect(started.timeIntervalSinceNow < -1)
    state.stopWatchdog()
  }

  @Test func theBackstopIsQuietForARunThatEnds() async throws {
    let state = try LuaState.sandboxed()
    try await confirmation("the backstop stays quiet", expectedCount: 0) { stuck in
      state.armBackstop(grace: 0.2) { _ in stuck() }
      state.startWatchdog(seconds: 0.05)
      let error = try #require(throws: (any Error).self) {
        try state.run(source: "while true do end", chunkName: "s.lua")
      }
      #expect((error as? LuaError)?.kind == .timeout)
      // Killed but kept alive (as the REPL keeps a state until it restarts it): not stuck.
      try await Task.sleep(for: .milliseconds(600))
    }
    state.stopWatchdog()
  }

  @Test func hostMemoryCountsAgainstTheCap() throws {
    let state = try LuaState.sandboxed(LuaSandboxOptions(limits: LuaLimits(maxMemory: 8 << 20)))
    let before = state.memoryUsed
    try state.chargeHostMemory(1 << 20)
    #expect(state.memoryUsed == before + (1 << 20))
    state.releaseHostMemory(1 << 20)
    #expect(state.memoryUsed == before)
    do {
      let error = try #require(throws: (any Error).self) { try state.chargeHostMemory(16 << 20) }
      #expect((error as? LuaError)?.kind == .memoryLimit)
    }
    state.releaseHostMemory(16 << 20)
    do {
      let error = try #require(throws: (any Error).self) {
        try state.run(source: "return 1", chunkName: "m.lua")
      }
      #expect((error as? LuaError)?.kind == .memoryLimit)
    }
  }

  @Test(arguments: [
    "return json.decode('[' .. string.rep('{}', 1000000, ',') .. ']')",
    "local s = string.rep('x', 3000000) return json.encode({ s, s, s, s, s, s })",
  ])
  func jsonWorkStopsAtTheCap(source: String) throws {
    let options = LuaSandboxOptions(limits: LuaLimits(maxMemory: 16 << 20))
    do {
      let state = try LuaState.sandboxed(options)
      lua_rawgeti(state.L, luaRegistryIndex, 2)  // globals
      try LuaJSON.install(into: state.L, tableIndex: -1)
      state.pop()
      do {
        let error = try #require(throws: (any Error).self) {
          try state.run(source: source, chunkName: "j.lua")
        }
        #expect((error as? LuaError)?.kind == .memoryLimit, "\(source)")
      }
      #expect(state.memoryUsed < 40 << 20, "\(source)")
    }
  }

  private static let proxy =
    "local p = setmetatable({}, { __len = function() return 2 ^ 31 - 2 end, __index = rawlen, __newindex = rawequal })"
  private static let big =
    "local s, n = 'a', 'a' for _ = 1, 23 do s = s .. s end for _ = 1, 20 do n = n .. n end"

  /// C work that runs no VM instruction still counts: each function call a C loop makes, the
  /// bytes the state allocates, the bytes a pattern function scans and compares.
  @Test(arguments: [
    "\(proxy) table.sort(p)",
    "\(proxy) table.sort(p, math.ult)",
    "\(proxy) table.remove(p, 1)",
    "\(proxy) table.insert(p, 1, 0)",
    "\(big) string.find(s, n .. 'b', 1, true)",
    "\(big) s:find(n .. 'b')",
    "\(big) for _ = 1, 1e9 do local _ = s .. 'x' end",
    "\(big) for _ = 1, 1e9 do local _ = s:find('b', 1, true) end",
  ])
  func workInCCountsAgainstTheBudget(source: String) {
    let options = LuaSandboxOptions(limits: LuaLimits(maxMemory: 256 << 20, maxInstructions: 5_000_000))
    let started = Date()
    #expect(run(source, options: options)?.kind == .instructionLimit)
    #expect(Date().timeIntervalSince(started) < 10)
  }

  /// The cap counts the heap blocks really take (malloc's rounding and headers), not just what
  /// Lua asked for: many small objects took a third more than counted, so RSS under
  /// --max-memory N grew with N instead of staying within N plus a fixed overhead.
  @Test func theCapCountsTheHeapSmallObjectsTake() throws {
    let state = try LuaState.sandboxed(LuaSandboxOptions(limits: LuaLimits(maxMemory: 64 << 20)))
    let before = state.memoryUsed
    let values = try state.run(
      source: "local n0 = collectgarbage('count') t = {} for i = 1, 200000 do t[i] = { i } end "
        + "return collectgarbage('count') - n0",
      chunkName: "small.lua")
    let requested = try #require(values.first?.doubleValue) * 1024
    let counted = Double(state.memoryUsed - before)
    #expect(counted > requested * 1.1, "counted \(counted), Lua asked for \(requested)")
    #expect(counted < requested * 2, "counted \(counted), Lua asked for \(requested)")
  }
}
