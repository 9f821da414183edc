import Foundation
import REPL
import XCTest

final class SessionTests: XCTestCase {
  func testExpressionsPrintTheirValues() throws {
    let repl = try SessionFixture()
    XCTAssertEqual(repl.feed("1 + 2"), .ran(succeeded: true))
    repl.feed("x = {b = 2, a = 1}")
    repl.feed("x")
    repl.feed("1, 'two'")
    XCTAssertEqual(repl.output, "3\n{a = 1, b = 2}\n1\t\"two\"\n")
    XCTAssertEqual(repl.errors, "")
  }

  func testFileWritersLiveAcrossStatementsAndThoseLeftOpenAreDiscardedAtTheEnd() throws {
    let repl = try SessionFixture()
    let folder = repl.directory.path
    repl.feed("w = te.fs.open('kept.csv')")
    repl.feed("w:write('a,b\\n')")
    repl.feed("w:write(1, ',', 2, '\\n'):close()")
    repl.feed("left = te.fs.open('left.csv'):write('lost')")
    XCTAssertEqual(repl.errors, "")
    XCTAssertEqual(try String(contentsOfFile: folder + "/kept.csv", encoding: .utf8), "a,b\n1,2\n")
    XCTAssertTrue(
      try FileManager.default.contentsOfDirectory(atPath: folder).contains { $0.hasPrefix(".left.csv.tmp-") })
    repl.session.finish()
    XCTAssertEqual(repl.errors, "te.fs.open('left.csv'): never closed; nothing was written\n")
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: folder).sorted(), ["err", "kept.csv", "out"])
  }

  func testIncompleteInputContinuesUntilTheStatementEnds() throws {
    let repl = try SessionFixture()
    XCTAssertEqual(repl.feed("function double(n)"), .needsMore)
    XCTAssertTrue(repl.session.isContinuing)
    XCTAssertEqual(repl.feed("  return n * 2"), .needsMore)
    XCTAssertEqual(repl.feed("end"), .ran(succeeded: true))
    XCTAssertFalse(repl.session.isContinuing)
    repl.feed("double(21)")
    XCTAssertEqual(repl.feed("s = [[a"), .needsMore)
    XCTAssertEqual(repl.feed("b]]"), .ran(succeeded: true))
    repl.feed("s")
    XCTAssertEqual(repl.output, "42\n\"a\\nb\"\n")
  }

  func testSyntaxErrorsThatAreNotIncompleteFailAtOnce() throws {
    let repl = try SessionFixture()
    XCTAssertEqual(repl.feed("x = = 1"), .ran(succeeded: false))
    XCTAssertFalse(repl.session.isContinuing)
    XCTAssertEqual(repl.errors, "stdin:1: unexpected symbol near '='\n")
  }

  func testCancelInputDropsAnUnfinishedStatement() throws {
    let repl = try SessionFixture()
    XCTAssertEqual(repl.feed("for i = 1, 3 do"), .needsMore)
    repl.session.cancelInput()
    XCTAssertEqual(repl.feed("7"), .ran(succeeded: true))
    XCTAssertEqual(repl.output, "7\n")
  }

  func testRuntimeErrorsShowTheirMessageAndTheSessionGoesOn() throws {
    let repl = try SessionFixture()
    XCTAssertEqual(repl.feed("error('boom')"), .ran(succeeded: false))
    XCTAssertEqual(repl.errors, "stdin:1: boom\n")
    repl.feed("1")
    XCTAssertEqual(repl.output, "1\n")
  }

  func testAPIErrorsPrintReadably() throws {
    let repl = try SessionFixture()
    repl.feed(
      "error(setmetatable({kind = 'api', status = 404, title = 'Not Found', method = 'GET', path = '/tests/1',"
        + " detail = 'no test 1', errors = {{field = 'testId', message = 'unknown'}}}, {__tostring = error}))"
    )
    XCTAssertEqual(
      repl.errors,
      "API error 404 Not Found\n  request: GET /tests/1\n  detail: no test 1\n  error: testId: unknown\n")
  }

  func testInstructionBudgetStopsOneStatementOnly() throws {
    let repl = try SessionFixture(limits: StatementLimits(maxInstructions: 200_000))
    XCTAssertEqual(repl.feed("while true do end"), .ran(succeeded: false))
    XCTAssertEqual(
      repl.errors, "instruction limit exceeded: the statement ran more than 200000 instructions\n")
    // The budget is per statement: the next ones run with a fresh budget.
    XCTAssertEqual(repl.feed("local n = 0 for i = 1, 50000 do n = n + i end return n"), .ran(succeeded: true))
    XCTAssertEqual(repl.feed("local n = 0 for i = 1, 50000 do n = n + i end return n"), .ran(succeeded: true))
    XCTAssertEqual(repl.output, "1250025000\n1250025000\n")
  }

  func testPcallXpcallAndResumeCannotSwallowAStop() throws {
    let repl = try SessionFixture(limits: StatementLimits(maxInstructions: 100_000))
    let loops = [
      "while true do pcall(function() while true do end end) end",
      "while true do xpcall(function() while true do end end, function() return 'caught' end) end",
      "while true do coroutine.resume(coroutine.create(function() while true do end end)) end",
    ]
    for loop in loops {
      XCTAssertEqual(repl.feed(loop), .ran(succeeded: false), loop)
    }
    XCTAssertEqual(
      repl.errors,
      String(
        repeating: "instruction limit exceeded: the statement ran more than 100000 instructions\n",
        count: loops.count))
    // Outside a stop they behave as Lua's own.
    repl.feed("pcall(error, 'e')", "xpcall(error, function(m) return 'h:' .. m end, 'x')")
    repl.feed("coroutine.resume(coroutine.create(function(a) return a + 1 end), 1)")
    XCTAssertEqual(repl.output, "false\t\"e\"\nfalse\t\"h:x\"\ntrue\t2\n")
  }

  func testTimeoutStopsOneStatementOnly() throws {
    let repl = try SessionFixture(limits: StatementLimits(timeout: 0.2))
    XCTAssertEqual(repl.feed("while true do end"), .ran(succeeded: false))
    XCTAssertEqual(repl.errors, "timeout: the statement ran longer than 0.2s\n")
    XCTAssertEqual(repl.feed("2"), .ran(succeeded: true))
    XCTAssertEqual(repl.output, "2\n")
  }

  func testInterruptStopsTheStatementEvenThroughPcall() throws {
    let repl = try SessionFixture()
    let stopper = Thread {
      Thread.sleep(forTimeInterval: 0.2)
      REPLSession.interruptRunningStatement()
    }
    stopper.start()
    let outcome = repl.feed("while true do pcall(function() while true do end end) end")
    XCTAssertEqual(outcome, .ran(succeeded: false))
    XCTAssertEqual(repl.errors, "interrupted\n")
    repl.feed("x = 5", "x")
    XCTAssertEqual(repl.output, "5\n")
  }

  func testSandboxRefusalRefusesTheStatementAndKeepsTheGlobals() throws {
    let repl = try SessionFixture()
    repl.feed("kept = 1")
    XCTAssertEqual(repl.feed("io.write('x')"), .ran(succeeded: false))
    XCTAssertTrue(repl.errors.contains("sandbox: 'io' is not available in the sandbox"), repl.errors)
    XCTAssertTrue(repl.errors.contains("statement refused; the session's globals are kept"), repl.errors)
    XCTAssertFalse(repl.errors.contains("fresh Lua state"), repl.errors)
    // A refusal inside pcall is not caught, and still does not end the session.
    XCTAssertEqual(repl.feed("pcall(function() kept = 2; return io.open end)"), .ran(succeeded: false))
    repl.feed("kept", "1 + 1")
    XCTAssertEqual(repl.output, "2\n2\n")
  }

  func testCommands() throws {
    let repl = try SessionFixture()
    XCTAssertEqual(repl.feed(":help"), .ran(succeeded: true))
    XCTAssertTrue(repl.output.contains(":load FILE"))
    XCTAssertEqual(repl.feed(":bogus"), .ran(succeeded: false))
    XCTAssertEqual(repl.feed(":plan"), .ran(succeeded: false))
    XCTAssertEqual(repl.feed(":load"), .ran(succeeded: false))
    XCTAssertEqual(repl.feed(":quit"), .quit)
    XCTAssertEqual(
      repl.errors,
      """
      unknown command :bogus (try :help)
      :plan needs a dry-run session: start it with terun repl --dry-run
      :load needs a file: :load FILE [key=value ...]

      """)
  }

  func testLoadRunsARunbookWithParametersInTheSession() throws {
    let repl = try SessionFixture()
    let file = repl.directory.appendingPathComponent("greet.lua")
    try """
    runbook {
      name = "greet",
      params = { who = { type = "string", default = "world", help = "whom to greet" } },
    }
    greeting = "hello " .. te.params.who
    print(greeting)
    """.write(to: file, atomically: true, encoding: .utf8)
    XCTAssertEqual(repl.feed(":load \(file.path) who=ops"), .ran(succeeded: true), repl.errors)
    repl.feed("greeting")
    XCTAssertEqual(repl.output, "hello ops\n\"hello ops\"\n")
    XCTAssertEqual(repl.feed(":load \(file.path) nope=1"), .ran(succeeded: false))
    XCTAssertFalse(repl.errors.isEmpty)
  }
}
