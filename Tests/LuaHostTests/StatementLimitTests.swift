import Foundation
import LuaHost
import Testing

/// LuaHost's per-statement limits (the REPL's budget, timeout and Ctrl-C): the state's one
/// hook enforces them as it enforces a run's, nothing in the statement can swallow the stop,
/// and the state runs again, at its normal pace, once the statement has ended.
@Suite("Statement limits")
struct StatementLimitTests {
  /// Runs `source` as one statement under `limits` on `state`; returns the stop and whether the
  /// error value was LuaHost's stop marker.
  private func statement(
    _ source: String, on state: LuaState, _ limits: LuaStatementLimits
  ) throws -> (stop: LuaStatementStop?, stopMarker: Bool, returned: Bool) {
    let chunk = try state.load(source: source, chunkName: "=statement")
    return try state.withProtectedCall(chunk, statement: limits) { result, stop in
      switch result {
      case .returned: return (stop, false, true)
      case .raised(let error): return (stop, error.isStopMarker, false)
      }
    }
  }

  private static let escapes = [
    "while true do end",
    "while true do pcall(function() while true do end end) end",
    "while true do pcall(error) end",
    "while true do xpcall(function() while true do end end, function(e) return e end) end",
    "coroutine.wrap(function() while true do end end)() while true do end",
    "local co = coroutine.create(function() while true do end end) while true do coroutine.resume(co) end",
    "local t = {} while true do table.sort({3, 2, 1}) end",
  ]

  @Test(arguments: escapes)
  func budgetStopsTheStatementWhateverItCatches(source: String) throws {
    let state = try LuaState.sandboxed()
    let outcome = try statement(source, on: state, LuaStatementLimits(maxInstructions: 200_000))
    #expect(outcome.stop == .instructionLimit, "\(source)")
    #expect(outcome.stopMarker, "\(source)")
    #expect(!state.isKilled)
  }

  @Test(arguments: escapes)
  func timeoutStopsTheStatementWhateverItCatches(source: String) throws {
    let state = try LuaState.sandboxed()
    let started = Date()
    let outcome = try statement(source, on: state, LuaStatementLimits(timeout: 0.1))
    #expect(outcome.stop == .timeout, "\(source)")
    #expect(Date().timeIntervalSince(started) < 5)
  }

  @Test func xpcallHandlerDoesNotRunOnceStopped() throws {
    let state = try LuaState.sandboxed()
    let outcome = try statement(
      "xpcall(function() while true do end end, function(e) handled = true return e end)", on: state,
      LuaStatementLimits(maxInstructions: 100_000))
    #expect(outcome.stop == .instructionLimit)
    #expect(try state.global("handled") == .nil)
  }

  @Test func workDoneInCIsChargedToTheStatement() throws {
    // string.rep runs no instruction: the sandbox's version charges its work as it goes.
    let state = try LuaState.sandboxed()
    let outcome = try statement(
      "local s = string.rep('x', 100000000) return #s", on: state, LuaStatementLimits(maxInstructions: 10_000)
    )
    #expect(outcome.stop == .instructionLimit)
    #expect(!outcome.returned)
  }

  @Test func interruptFlagStopsTheStatementAndIsConsumed() throws {
    let state = try LuaState.sandboxed()
    let flag = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: 1)
    defer { flag.deallocate() }
    flag.pointee = 0
    let address = UInt(bitPattern: flag)
    DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) {
      UnsafeMutablePointer<sig_atomic_t>(bitPattern: address)!.pointee = 1
    }
    let outcome = try statement("while true do end", on: state, LuaStatementLimits(interruptFlag: flag))
    #expect(outcome.stop == .interrupted)
    #expect(flag.pointee == 0)
    // The next statement runs: the stop took the flag.
    #expect(try statement("return 1", on: state, LuaStatementLimits(interruptFlag: flag)).returned)
  }

  @Test func interruptBeforeTheStatementStartsIsNotLost() throws {
    // Ctrl-C pressed after the line was read but before the statement began.
    let state = try LuaState.sandboxed()
    let flag = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: 1)
    defer { flag.deallocate() }
    flag.pointee = 1
    let outcome = try statement("while true do end", on: state, LuaStatementLimits(interruptFlag: flag))
    #expect(outcome.stop == .interrupted)
    #expect(flag.pointee == 0)
  }

  @Test func blockedHostCodeSeesTheStopAndItsReturnRaises() throws {
    let state = try LuaState.sandboxed()
    var polls = 0
    state.register("wait_for_stop") { call in
      while !call.isStopRequested {
        polls += 1
        Thread.sleep(forTimeInterval: 0.01)
      }
      return 0
    }
    let outcome = try statement(
      "wait_for_stop() after = true", on: state, LuaStatementLimits(timeout: 0.1))
    #expect(outcome.stop == .timeout)
    #expect(outcome.stopMarker)
    #expect(polls > 0)
    #expect(try state.global("after") == .nil)
  }

  @Test func theStateRunsAgainAtItsNormalPaceAfterAStop() throws {
    let state = try LuaState.sandboxed()
    let loop = "local n = 0 for i = 1, 100000 do n = n + i end return n"
    let before = state.instructionsUsed
    #expect(try statement(loop, on: state, LuaStatementLimits()).returned)
    let cost = state.instructionsUsed - before
    #expect(
      try statement("while true do end", on: state, LuaStatementLimits(maxInstructions: 50_000)).stop
        == .instructionLimit)
    let again = state.instructionsUsed
    let outcome = try statement(loop, on: state, LuaStatementLimits(maxInstructions: cost * 4))
    #expect(outcome.returned)
    #expect(outcome.stop == nil)
    // Counted as before the stop, not once per instruction at the hook's stop-time pace.
    #expect(state.instructionsUsed - again < cost * 2)
    #expect(try state.run(source: "return 1 + 1", chunkName: "=after") == [.integer(2)])
  }

  @Test func aStatementWithoutLimitsIsNotStopped() throws {
    let state = try LuaState.sandboxed()
    let outcome = try statement(
      "local n = 0 for i = 1, 300000 do n = n + 1 end", on: state, LuaStatementLimits())
    #expect(outcome.returned)
    #expect(outcome.stop == nil)
  }

  @Test func aKillStaysAKillAcrossStatements() throws {
    let state = try LuaState.sandboxed(LuaSandboxOptions(limits: LuaLimits(maxInstructions: 100_000)))
    let outcome = try statement(
      "while true do end", on: state, LuaStatementLimits(maxInstructions: 10_000_000))
    #expect(outcome.stop == nil)
    #expect(state.isKilled)
    #expect(throws: LuaError.self) { try state.run(source: "return 1", chunkName: "=after") }
  }
}
