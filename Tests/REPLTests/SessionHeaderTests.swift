import CLuaBridge
import Foundation
import REPL
import Testing

/// A REPL session takes the `runbook { ... }` header any number of times, anywhere (typed input,
/// several `:load`s in one state), with the prelude's own `runbook` function: one implementation
/// of the header check, in `terun/prelude.lua`.
@Suite struct SessionHeaderTests {
  @Test func typedInputTakesAHeaderAnyNumberOfTimes() throws {
    let repl = try SessionFixture()
    #expect(repl.feed("h = runbook { name = 'a' }") == .ran(succeeded: true))
    #expect(repl.feed("runbook { name = 'b' }.name") == .ran(succeeded: true))
    #expect(repl.feed("h.name") == .ran(succeeded: true))
    #expect(repl.output == "\"b\"\n\"a\"\n")
    #expect(repl.errors == "")
  }

  @Test func aHeaderThatIsNotATableFailsAtTheTypedLine() throws {
    let repl = try SessionFixture()
    #expect(repl.feed("local h = runbook(5)") == .ran(succeeded: false))
    #expect(repl.errors == "stdin:1: runbook expects a table\n")
    #expect(repl.feed("x = 1", "x") == .ran(succeeded: true), "the session goes on")
    #expect(repl.output == "1\n")
  }

  @Test func loadRunsRunbooksWithHeadersOneAfterAnother() throws {
    let repl = try SessionFixture()
    let first = repl.directory.appendingPathComponent("first.lua")
    let second = repl.directory.appendingPathComponent("second.lua")
    try "runbook { name = \"first\" }\nprint('first ran')\n".write(
      to: first, atomically: true, encoding: .utf8)
    try "runbook { name = \"second\" }\nprint('second ran')\n".write(
      to: second, atomically: true, encoding: .utf8)
    #expect(repl.feed(":load \(first.path)") == .ran(succeeded: true), "\(repl.errors)")
    #expect(repl.feed(":load \(second.path)") == .ran(succeeded: true), "\(repl.errors)")
    #expect(repl.feed(":load \(first.path)") == .ran(succeeded: true), "\(repl.errors)")
    #expect(repl.output == "first ran\nsecond ran\nfirst ran\n")
    #expect(repl.errors == "")
  }

  @Test func aLoadedRunbooksBadHeaderCallNamesItsLineAndNoInternalFrame() throws {
    let repl = try SessionFixture()
    let file = repl.directory.appendingPathComponent("bad.lua")
    try "runbook { name = \"bad\" }\nlocal again = runbook('x')\nreturn again\n".write(
      to: file, atomically: true, encoding: .utf8)
    #expect(repl.feed(":load \(file.path)") == .ran(succeeded: false))
    let errors = repl.errors
    #expect(errors.hasPrefix("\(file.path):2: runbook expects a table"), "\(errors)")
    #expect(errors.contains("stack traceback:\n\t\(file.path):2: in main chunk"), "\(errors)")
    #expect(!errors.contains("terun/") && !errors.contains("[C]"), "no internal frame: \(errors)")
  }

  @Test func theSessionsRunbookIsThePreludesFunction() throws {
    let repl = try SessionFixture()
    let L = repl.session.luaState.L
    let top = lua_gettop(L)
    defer { lua_settop(L, top) }
    #expect(lua_getglobal(L, "runbook") == LUA_TFUNCTION)
    var info = lua_Debug()
    #expect(lua_getinfo(L, ">S", &info) != 0)
    #expect(String(cString: info.source) == "@terun/prelude.lua")
  }
}
