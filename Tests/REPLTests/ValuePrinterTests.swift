import Foundation
import REPL
import Testing

@Suite struct ValuePrinterTests {
  @Test func scalarsPrintAsLuaWritesThem() throws {
    let lua = try LuaFixture()
    #expect(try lua.render("3") == "3")
    #expect(try lua.render("3.0") == "3.0")
    #expect(try lua.render("0.1") == "0.1")
    #expect(try lua.render("1e100") == "1e+100")
    #expect(try lua.render("nil") == "nil")
    #expect(try lua.render("false") == "false")
    #expect(try lua.render(#""a \"q\"\n\t""#) == #""a \"q\"\n\t""#)
    #expect(try lua.render("print").hasPrefix("function: 0x"))
  }

  @Test func tablesHaveSortedKeysAndCompactArrays() throws {
    let lua = try LuaFixture()
    #expect(
      try lua.render("{b = 1, a = {x = true}, [2.5] = 'f', [10] = 0}")
        == #"{[2.5] = "f", [10] = 0, a = {x = true}, b = 1}"#)
    #expect(try lua.render("{1, 2, 3}") == "{1, 2, 3}")
    #expect(try lua.render("{10, 20, n = 2}") == "{10, 20, n = 2}")
    #expect(try lua.render("{['two words'] = 1, ['end'] = 2}") == #"{["end"] = 2, ["two words"] = 1}"#)
    #expect(try lua.render("{}") == "{}")
  }

  @Test func cyclesAreMarkedAndSharedTablesAreNot() throws {
    let lua = try LuaFixture()
    try lua.run("t = {name = 'root'}; t.self = t; shared = {1}; pair = {a = shared, b = shared}")
    #expect(try lua.render("t") == #"{name = "root", self = <cycle>}"#)
    #expect(try lua.render("pair") == "{a = {1}, b = {1}}")
  }

  @Test func depthAndWidthAreCutWithAnEllipsis() throws {
    let lua = try LuaFixture()
    let printer = ValuePrinter(maxDepth: 2, maxItems: 3)
    #expect(try lua.render("{a = {b = {c = 1}}}", printer) == "{a = {b = {...}}}")
    #expect(try lua.render("{1, 2, 3, 4, 5}", printer) == "{1, 2, 3, ... (2 more)}")
    #expect(try lua.render("{a = {}}", printer) == "{a = {}}")
  }

  @Test func wideTablesBreakIntoIndentedLines() throws {
    let lua = try LuaFixture()
    let printer = ValuePrinter(lineWidth: 30)
    let text = try lua.render("{agentId = 12, agentName = 'Singapore', tags = {'a', 'b'}}", printer)
    #expect(
      text == """
        {
          agentId = 12,
          agentName = "Singapore",
          tags = {"a", "b"},
        }
        """)
  }

  @Test func longStringsInsideTablesAreCut() throws {
    let lua = try LuaFixture()
    let printer = ValuePrinter(maxStringLength: 5)
    #expect(try lua.render("{('x'):rep(8)}", printer) == #"{"xxxxx"...(3 more bytes)}"#)
    #expect(try lua.render("('x'):rep(8)", printer) == #""xxxxxxxx""#)
  }

  @Test func metamethodsNeverRun() throws {
    let lua = try LuaFixture()
    try lua.run(
      """
      touched = false
      trap = setmetatable({x = 1}, {
        __index = function() touched = true end,
        __pairs = function() touched = true; error("no") end,
        __tostring = function() touched = true; return "?" end,
        __len = function() touched = true; return 99 end,
      })
      """)
    #expect(try lua.render("trap") == "{x = 1}")
    #expect(try lua.render("touched") == "false")
  }
}
