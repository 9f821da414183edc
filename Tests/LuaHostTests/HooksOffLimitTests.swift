import CLua
import Foundation
import XCTest

@testable import LuaHost

/// Issue 13 "Time" and "Memory" at the LuaHost level: the limits hold where stock Lua runs code
/// with hooks off (xpcall handlers, __gc, __close of a stopped coroutine) or loops in C
/// (string.rep, table.move), the backstop ends a stopped run that does not end, and host
/// memory counts against the cap.
final class HooksOffLimitTests: XCTestCase {
  private func run(_ source: String, options: LuaSandboxOptions) -> LuaError? {
    do {
      let state = try LuaState.sandboxed(options)
      _ = try state.run(source: source, chunkName: "case.lua")
      return nil
    } catch let error as LuaError {
      return error
    } catch {
      XCTFail("unexpected \(error)")
      return nil
    }
  }

  private let instructions = LuaSandboxOptions(limits: LuaLimits(maxInstructions: 2_000_000))

  func testXpcallHandlersAreNotRunOnceTheRunIsStopped() {
    let cases = [
      "xpcall(function() while true do end end, function() while true do end end)",
      "coroutine.wrap(function() xpcall(function() while true do end end, function() while true do end end) end)()",
      "local co = coroutine.create(function() xpcall(function() while true do end end, function() while true do end end) end) coroutine.resume(co) while true do end",
      "xpcall(function() while true do end end, function() xpcall(error, function() while true do end end) while true do end end)",
    ]
    for source in cases {
      XCTAssertEqual(run(source, options: instructions)?.kind, .instructionLimit, source)
    }
  }

  func testXpcallHandlersStillRunForOrdinaryErrors() throws {
    let state = try LuaState.sandboxed()
    XCTAssertEqual(
      try state.run(
        source: "return xpcall(function() error('boom', 0) end, function(e) return 'handled ' .. e end)",
        chunkName: "x.lua"),
      [false, .text("handled boom")])
    XCTAssertEqual(
      try state.run(
        source: "return xpcall(function(a, b) return a + b end, print, 2, 3)", chunkName: "x.lua"),
      [true, 5])
  }

  func testGcMetamethodsAreRefused() {
    for source in [
      "setmetatable({}, { __gc = function() while true do end end })",
      "coroutine.wrap(function() setmetatable({}, { __gc = print }) end)()",
      "setmetatable({}, { __gc = false })",
      "local mt = setmetatable({}, { __index = { __gc = print } }) setmetatable({}, mt) return 'ok'",
    ] {
      let error = run(source, options: instructions)
      if source.hasSuffix("return 'ok'") {
        // A __gc reached only through __index is not a metamethod: Lua never calls it.
        XCTAssertNil(error, source)
      } else {
        XCTAssertEqual(error?.kind, .sandboxViolation, source)
        XCTAssertEqual(
          error?.message, "setmetatable: __gc metamethods are not allowed in the sandbox", source)
      }
    }
  }

  func testStoppedCoroutinesAreNotClosed() {
    let loop = "setmetatable({}, { __close = function() while true do end end })"
    let cases = [
      "coroutine.wrap(function() local x <close> = \(loop) while true do end end)()",
      "local co = coroutine.create(function() local x <close> = \(loop) while true do end end) coroutine.resume(co) coroutine.close(co)",
      "do local x <close> = \(loop) end",
      "pcall(function() local x <close> = \(loop) error('x') end)",
    ]
    for source in cases {
      XCTAssertEqual(run(source, options: instructions)?.kind, .instructionLimit, source)
    }
  }

  func testCoroutineWrapKeepsItsSemantics() throws {
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
    XCTAssertEqual(
      try state.run(source: source, chunkName: "w.lua"),
      [.text("2|closed|w.lua:5: boom 5|cannot resume dead coroutine")])
  }

  func testLongCCallsAreCharged() {
    XCTAssertEqual(run("table.move({}, 1, 2^40, 2)", options: instructions)?.kind, .instructionLimit)
    XCTAssertEqual(run("table.move({}, 1, 2^40, 1, {})", options: instructions)?.kind, .instructionLimit)
    XCTAssertEqual(run("string.rep('ab', 50000000)", options: instructions)?.kind, .instructionLimit)
    XCTAssertNil(
      run(
        "return string.rep('', 10) .. string.rep('x', 3, '') .. string.rep('', 2^62) .. string.rep('', 2^62, '')",
        options: instructions))
  }

  func testTheErrorObjectsTostringIsStoppedAsALimit() {
    let error = run(
      "error(setmetatable({}, { __tostring = function() while true do end end }))", options: instructions)
    XCTAssertEqual(error?.kind, .instructionLimit)
  }

  func testTheBackstopEndsAStoppedRunThatDoesNotEnd() throws {
    let state = try LuaState.sandboxed()
    let stuck = expectation(description: "backstop")
    state.armBackstop(grace: 0.2) { kind in
      XCTAssertEqual(kind, .timeout)
      stuck.fulfill()
    }
    // Host code that ignores the kill switch stands for any code that cannot be stopped.
    state.register("stall") { _ in
      Thread.sleep(forTimeInterval: 1.5)
      return 0
    }
    state.startWatchdog(seconds: 0.1)
    let started = Date()
    XCTAssertThrowsError(try state.run(source: "stall()", chunkName: "s.lua"))
    wait(for: [stuck], timeout: 0)
    XCTAssertLessThan(started.timeIntervalSinceNow, -1)
    state.stopWatchdog()
  }

  func testTheBackstopIsQuietForARunThatEnds() throws {
    let state = try LuaState.sandboxed()
    let stuck = expectation(description: "backstop")
    stuck.isInverted = true
    state.armBackstop(grace: 0.2) { _ in stuck.fulfill() }
    state.startWatchdog(seconds: 0.05)
    XCTAssertThrowsError(try state.run(source: "while true do end", chunkName: "s.lua")) { error in
      XCTAssertEqual((error as? LuaError)?.kind, .timeout)
    }
    // Killed but kept alive (as the REPL keeps a state until it restarts it): not stuck.
    wait(for: [stuck], timeout: 0.6)
    state.stopWatchdog()
  }

  func testHostMemoryCountsAgainstTheCap() throws {
    let state = try LuaState.sandboxed(LuaSandboxOptions(limits: LuaLimits(maxMemory: 8 << 20)))
    let before = state.memoryUsed
    try state.chargeHostMemory(1 << 20)
    XCTAssertEqual(state.memoryUsed, before + (1 << 20))
    state.releaseHostMemory(1 << 20)
    XCTAssertEqual(state.memoryUsed, before)
    XCTAssertThrowsError(try state.chargeHostMemory(16 << 20)) { error in
      XCTAssertEqual((error as? LuaError)?.kind, .memoryLimit)
    }
    state.releaseHostMemory(16 << 20)
    XCTAssertThrowsError(try state.run(source: "return 1", chunkName: "m.lua")) { error in
      XCTAssertEqual((error as? LuaError)?.kind, .memoryLimit)
    }
  }

  func testJSONWorkStopsAtTheCap() throws {
    let options = LuaSandboxOptions(limits: LuaLimits(maxMemory: 16 << 20))
    for source in [
      "return json.decode('[' .. string.rep('{}', 1000000, ',') .. ']')",
      "local s = string.rep('x', 3000000) return json.encode({ s, s, s, s, s, s })",
    ] {
      let state = try LuaState.sandboxed(options)
      lua_rawgeti(state.L, luaRegistryIndex, 2)  // globals
      try LuaJSON.install(into: state.L, tableIndex: -1)
      state.pop()
      XCTAssertThrowsError(try state.run(source: source, chunkName: "j.lua")) { error in
        XCTAssertEqual((error as? LuaError)?.kind, .memoryLimit, source)
      }
      XCTAssertLessThan(state.memoryUsed, 40 << 20, source)
    }
  }

  /// C work that runs no VM instruction still counts: each function call a C loop makes, the
  /// bytes the state allocates, the bytes a pattern function scans and compares.
  func testWorkInCCountsAgainstTheBudget() {
    let proxy =
      "local p = setmetatable({}, { __len = function() return 2 ^ 31 - 2 end, __index = rawlen, __newindex = rawequal })"
    let big = "local s, n = 'a', 'a' for _ = 1, 23 do s = s .. s end for _ = 1, 20 do n = n .. n end"
    let cases = [
      "\(proxy) table.sort(p)",
      "\(proxy) table.sort(p, math.ult)",
      "\(proxy) table.remove(p, 1)",
      "\(proxy) table.insert(p, 1, 0)",
      "\(big) string.find(s, n .. 'b', 1, true)",
      "\(big) s:find(n .. 'b')",
      "\(big) for _ = 1, 1e9 do local _ = s .. 'x' end",
      "\(big) for _ = 1, 1e9 do local _ = s:find('b', 1, true) end",
    ]
    let options = LuaSandboxOptions(limits: LuaLimits(maxMemory: 256 << 20, maxInstructions: 5_000_000))
    for source in cases {
      let started = Date()
      XCTAssertEqual(run(source, options: options)?.kind, .instructionLimit, source)
      XCTAssertLessThan(Date().timeIntervalSince(started), 10, source)
    }
  }

  /// The cap counts the heap blocks really take (malloc's rounding and headers), not just what
  /// Lua asked for: many small objects took a third more than counted, so RSS under
  /// --max-memory N grew with N instead of staying within N plus a fixed overhead.
  func testTheCapCountsTheHeapSmallObjectsTake() throws {
    let state = try LuaState.sandboxed(LuaSandboxOptions(limits: LuaLimits(maxMemory: 64 << 20)))
    let before = state.memoryUsed
    let values = try state.run(
      source: "local n0 = collectgarbage('count') t = {} for i = 1, 200000 do t[i] = { i } end "
        + "return collectgarbage('count') - n0",
      chunkName: "small.lua")
    let requested = try XCTUnwrap(values.first?.doubleValue) * 1024
    let counted = Double(state.memoryUsed - before)
    XCTAssertGreaterThan(counted, requested * 1.1, "counted \(counted), Lua asked for \(requested)")
    XCTAssertLessThan(counted, requested * 2, "counted \(counted), Lua asked for \(requested)")
  }
}
