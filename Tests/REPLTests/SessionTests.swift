import Foundation
import REPL
import Testing

extension REPLSessionSuites {
  @Suite struct SessionTests {
    @Test func expressionsPrintTheirValues() throws {
      let repl = try SessionFixture()
      #expect(repl.feed("1 + 2") == .ran(succeeded: true))
      repl.feed("x = {b = 2, a = 1}")
      repl.feed("x")
      repl.feed("1, 'two'")
      #expect(repl.output == "3\n{a = 1, b = 2}\n1\t\"two\"\n")
      #expect(repl.errors == "")
    }

    @Test func fileWritersLiveAcrossStatementsAndThoseLeftOpenAreDiscardedAtTheEnd() throws {
      let repl = try SessionFixture()
      let folder = repl.directory.path
      repl.feed("w = te.fs.open('kept.csv')")
      repl.feed("w:write('a,b\\n')")
      repl.feed("w:write(1, ',', 2, '\\n'):close()")
      repl.feed("left = te.fs.open('left.csv'):write('lost')")
      #expect(repl.errors == "")
      #expect(try String(contentsOfFile: folder + "/kept.csv", encoding: .utf8) == "a,b\n1,2\n")
      #expect(
        try FileManager.default.contentsOfDirectory(atPath: folder).contains {
          $0.hasPrefix(".left.csv.tmp-")
        })
      repl.session.finish()
      #expect(repl.errors == "te.fs.open('left.csv'): never closed; nothing was written\n")
      #expect(
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["err", "kept.csv", "out"])
    }

    @Test func incompleteInputContinuesUntilTheStatementEnds() throws {
      let repl = try SessionFixture()
      #expect(repl.feed("function double(n)") == .needsMore)
      #expect(repl.session.isContinuing)
      #expect(repl.feed("  return n * 2") == .needsMore)
      #expect(repl.feed("end") == .ran(succeeded: true))
      #expect(!repl.session.isContinuing)
      repl.feed("double(21)")
      #expect(repl.feed("s = [[a") == .needsMore)
      #expect(repl.feed("b]]") == .ran(succeeded: true))
      repl.feed("s")
      #expect(repl.output == "42\n\"a\\nb\"\n")
    }

    @Test func syntaxErrorsThatAreNotIncompleteFailAtOnce() throws {
      let repl = try SessionFixture()
      #expect(repl.feed("x = = 1") == .ran(succeeded: false))
      #expect(!repl.session.isContinuing)
      #expect(repl.errors == "stdin:1: unexpected symbol near '='\n")
    }

    @Test func cancelInputDropsAnUnfinishedStatement() throws {
      let repl = try SessionFixture()
      #expect(repl.feed("for i = 1, 3 do") == .needsMore)
      repl.session.cancelInput()
      #expect(repl.feed("7") == .ran(succeeded: true))
      #expect(repl.output == "7\n")
    }

    @Test func runtimeErrorsShowTheirMessageAndTheSessionGoesOn() throws {
      let repl = try SessionFixture()
      #expect(repl.feed("error('boom')") == .ran(succeeded: false))
      #expect(repl.errors == "stdin:1: boom\n")
      repl.feed("1")
      #expect(repl.output == "1\n")
    }

    @Test func apiErrorsPrintReadably() throws {
      let repl = try SessionFixture()
      repl.feed(
        "error(setmetatable({kind = 'api', status = 404, title = 'Not Found', method = 'GET', path = '/tests/1',"
          + " detail = 'no test 1', errors = {{field = 'testId', message = 'unknown'}}}, {__tostring = error}))"
      )
      #expect(
        repl.errors
          == "API error 404 Not Found\n  request: GET /tests/1\n  detail: no test 1\n  error: testId: unknown\n"
      )
    }

    @Test func instructionBudgetStopsOneStatementOnly() throws {
      let repl = try SessionFixture(limits: StatementLimits(maxInstructions: 200_000))
      #expect(repl.feed("while true do end") == .ran(succeeded: false))
      #expect(repl.errors == "instruction limit exceeded: the statement ran more than 200000 instructions\n")
      // The budget is per statement: the next ones run with a fresh budget.
      #expect(repl.feed("local n = 0 for i = 1, 50000 do n = n + i end return n") == .ran(succeeded: true))
      #expect(repl.feed("local n = 0 for i = 1, 50000 do n = n + i end return n") == .ran(succeeded: true))
      #expect(repl.output == "1250025000\n1250025000\n")
    }

    @Test func pcallXpcallAndResumeCannotSwallowAStop() throws {
      let repl = try SessionFixture(limits: StatementLimits(maxInstructions: 100_000))
      let loops = [
        "while true do pcall(function() while true do end end) end",
        "while true do xpcall(function() while true do end end, function() return 'caught' end) end",
        "while true do coroutine.resume(coroutine.create(function() while true do end end)) end",
      ]
      for loop in loops {
        #expect(repl.feed(loop) == .ran(succeeded: false), "\(loop)")
      }
      #expect(
        repl.errors
          == String(
            repeating: "instruction limit exceeded: the statement ran more than 100000 instructions\n",
            count: loops.count))
      // Outside a stop they behave as Lua's own.
      repl.feed("pcall(error, 'e')", "xpcall(error, function(m) return 'h:' .. m end, 'x')")
      repl.feed("coroutine.resume(coroutine.create(function(a) return a + 1 end), 1)")
      #expect(repl.output == "false\t\"e\"\nfalse\t\"h:x\"\ntrue\t2\n")
    }

    @Test func timeoutStopsOneStatementOnly() throws {
      let repl = try SessionFixture(limits: StatementLimits(timeout: 0.2))
      #expect(repl.feed("while true do end") == .ran(succeeded: false))
      #expect(repl.errors == "timeout: the statement ran longer than 0.2s\n")
      #expect(repl.feed("2") == .ran(succeeded: true))
      #expect(repl.output == "2\n")
    }

    @Test func interruptStopsTheStatementEvenThroughPcall() throws {
      let repl = try SessionFixture()
      let stopper = Thread {
        Thread.sleep(forTimeInterval: 0.2)
        REPLSession.interruptRunningStatement()
      }
      stopper.start()
      let outcome = repl.feed("while true do pcall(function() while true do end end) end")
      #expect(outcome == .ran(succeeded: false))
      #expect(repl.errors == "interrupted\n")
      repl.feed("x = 5", "x")
      #expect(repl.output == "5\n")
    }

    @Test func sandboxRefusalRefusesTheStatementAndKeepsTheGlobals() throws {
      let repl = try SessionFixture()
      repl.feed("kept = 1")
      #expect(repl.feed("io.write('x')") == .ran(succeeded: false))
      #expect(repl.errors.contains("sandbox: 'io' is not available in the sandbox"), "\(repl.errors)")
      #expect(repl.errors.contains("statement refused; the session's globals are kept"), "\(repl.errors)")
      #expect(!repl.errors.contains("fresh Lua state"), "\(repl.errors)")
      // A refusal inside pcall is not caught, and still does not end the session.
      #expect(repl.feed("pcall(function() kept = 2; return io.open end)") == .ran(succeeded: false))
      repl.feed("kept", "1 + 1")
      #expect(repl.output == "2\n2\n")
    }

    @Test func commands() throws {
      let repl = try SessionFixture()
      #expect(repl.feed(":help") == .ran(succeeded: true))
      #expect(repl.output.contains(":load FILE"))
      #expect(repl.feed(":bogus") == .ran(succeeded: false))
      #expect(repl.feed(":plan") == .ran(succeeded: false))
      #expect(repl.feed(":load") == .ran(succeeded: false))
      #expect(repl.feed(":quit") == .quit)
      #expect(
        repl.errors == """
          unknown command :bogus (try :help)
          :plan needs a dry-run session: start it with terun repl --dry-run
          :load needs a file: :load FILE [key=value ...]

          """)
    }

    @Test func loadRunsARunbookWithParametersInTheSession() throws {
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
      #expect(repl.feed(":load \(file.path) who=ops") == .ran(succeeded: true), "\(repl.errors)")
      repl.feed("greeting")
      #expect(repl.output == "hello ops\n\"hello ops\"\n")
      #expect(repl.feed(":load \(file.path) nope=1") == .ran(succeeded: false))
      #expect(!repl.errors.isEmpty)
    }
  }
}
