import REPL
import XCTest

final class ValuePrinterTests: XCTestCase {
  func testScalarsPrintAsLuaWritesThem() throws {
    let lua = try LuaFixture()
    XCTAssertEqual(try lua.render("3"), "3")
    XCTAssertEqual(try lua.render("3.0"), "3.0")
    XCTAssertEqual(try lua.render("0.1"), "0.1")
    XCTAssertEqual(try lua.render("1e100"), "1e+100")
    XCTAssertEqual(try lua.render("nil"), "nil")
    XCTAssertEqual(try lua.render("false"), "false")
    XCTAssertEqual(try lua.render(#""a \"q\"\n\t""#), #""a \"q\"\n\t""#)
    XCTAssertTrue(try lua.render("print").hasPrefix("function: 0x"))
  }

  func testTablesHaveSortedKeysAndCompactArrays() throws {
    let lua = try LuaFixture()
    XCTAssertEqual(
      try lua.render("{b = 1, a = {x = true}, [2.5] = 'f', [10] = 0}"),
      #"{[2.5] = "f", [10] = 0, a = {x = true}, b = 1}"#)
    XCTAssertEqual(try lua.render("{1, 2, 3}"), "{1, 2, 3}")
    XCTAssertEqual(try lua.render("{10, 20, n = 2}"), "{10, 20, n = 2}")
    XCTAssertEqual(try lua.render("{['two words'] = 1, ['end'] = 2}"), #"{["end"] = 2, ["two words"] = 1}"#)
    XCTAssertEqual(try lua.render("{}"), "{}")
  }

  func testCyclesAreMarkedAndSharedTablesAreNot() throws {
    let lua = try LuaFixture()
    try lua.run("t = {name = 'root'}; t.self = t; shared = {1}; pair = {a = shared, b = shared}")
    XCTAssertEqual(try lua.render("t"), #"{name = "root", self = <cycle>}"#)
    XCTAssertEqual(try lua.render("pair"), "{a = {1}, b = {1}}")
  }

  func testDepthAndWidthAreCutWithAnEllipsis() throws {
    let lua = try LuaFixture()
    let printer = ValuePrinter(maxDepth: 2, maxItems: 3)
    XCTAssertEqual(try lua.render("{a = {b = {c = 1}}}", printer), "{a = {b = {...}}}")
    XCTAssertEqual(try lua.render("{1, 2, 3, 4, 5}", printer), "{1, 2, 3, ... (2 more)}")
    XCTAssertEqual(try lua.render("{a = {}}", printer), "{a = {}}")
  }

  func testWideTablesBreakIntoIndentedLines() throws {
    let lua = try LuaFixture()
    let printer = ValuePrinter(lineWidth: 30)
    let text = try lua.render("{agentId = 12, agentName = 'Singapore', tags = {'a', 'b'}}", printer)
    XCTAssertEqual(
      text,
      """
      {
        agentId = 12,
        agentName = "Singapore",
        tags = {"a", "b"},
      }
      """)
  }

  func testLongStringsInsideTablesAreCut() throws {
    let lua = try LuaFixture()
    let printer = ValuePrinter(maxStringLength: 5)
    XCTAssertEqual(try lua.render("{('x'):rep(8)}", printer), #"{"xxxxx"...(3 more bytes)}"#)
    XCTAssertEqual(try lua.render("('x'):rep(8)", printer), #""xxxxxxxx""#)
  }

  func testMetamethodsNeverRun() throws {
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
    XCTAssertEqual(try lua.render("trap"), "{x = 1}")
    XCTAssertEqual(try lua.render("touched"), "false")
  }
}
