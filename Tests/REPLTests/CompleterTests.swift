import REPL
import XCTest

final class CompleterTests: XCTestCase {
  private func fixture() throws -> LuaFixture {
    let lua = try LuaFixture()
    try lua.run(
      """
      te = {agents = {list = print}, alerts = {}, tests = {get = print}, _private = 1}
      held = {alpha = 1, beta = {gamma = 2}, [3] = "no", ["not a name"] = 4}
      word = "text"
      called = false
      lazy = setmetatable({}, {__index = function() called = true return {} end})
      inherited = setmetatable({}, {__index = {parent_field = 1}})
      """)
    return lua
  }

  func testCompletesAfterIndexingWithALiteralKey() throws {
    let lua = try LuaFixture()
    try lua.run(
      """
      sg = {{public = 1, pub_key = 2, private = 3}}
      t = {k = {alpha = {beta = 1}}, [2] = {two = 1}}
      """)
    let completer = Completer()
    // Tab's word ends at "]", so the word is ".pub" and the indexing comes as the text before.
    XCTAssertEqual(
      completer.candidates(for: ".pub", in: lua.state, before: "x = sg[1]"), [".pub_key", ".public"])
    XCTAssertEqual(completer.candidates(for: ".alpha.b", in: lua.state, before: "t[\"k\"]"), [".alpha.beta"])
    XCTAssertEqual(completer.candidates(for: ".t", in: lua.state, before: "print(t[2]"), [".two"])
    XCTAssertEqual(completer.candidates(for: "sg[1].pub", in: lua.state), ["sg[1].pub_key", "sg[1].public"])
    // Only literal keys are walked: a call or a variable index completes nothing.
    XCTAssertEqual(completer.candidates(for: ".pub", in: lua.state, before: "sg[f()]"), [])
    XCTAssertEqual(completer.candidates(for: ".pub", in: lua.state, before: "sg[i]"), [])
    XCTAssertEqual(completer.candidates(for: ".pub", in: lua.state, before: "sg[9]"), [])
  }

  func testDottedPrefixCompletesFieldsOfTheLiveTable() throws {
    let lua = try fixture()
    let completer = Completer()
    XCTAssertEqual(completer.candidates(for: "te.ag", in: lua.state), ["te.agents"])
    XCTAssertEqual(completer.candidates(for: "te.a", in: lua.state), ["te.agents", "te.alerts"])
    XCTAssertEqual(completer.candidates(for: "te.agents.l", in: lua.state), ["te.agents.list"])
    XCTAssertEqual(completer.candidates(for: "held.", in: lua.state), ["held.alpha", "held.beta"])
    XCTAssertEqual(completer.candidates(for: "held.beta.g", in: lua.state), ["held.beta.gamma"])
    XCTAssertEqual(completer.candidates(for: "inherited.par", in: lua.state), ["inherited.parent_field"])
  }

  func testGlobalsAndKeywords() throws {
    let lua = try fixture()
    let completer = Completer()
    XCTAssertEqual(completer.candidates(for: "pri", in: lua.state), ["print"])
    XCTAssertEqual(completer.candidates(for: "ret", in: lua.state), ["return"])
    XCTAssertTrue(completer.candidates(for: "", in: lua.state).contains("held"))
  }

  func testMethodsOfStringsThroughTheStringMetatable() throws {
    let lua = try fixture()
    XCTAssertEqual(Completer().candidates(for: "word:up", in: lua.state), ["word:upper"])
  }

  func testCommandsOnlyAtTheStartOfTheLine() throws {
    let lua = try fixture()
    XCTAssertEqual(Completer().candidates(for: ":he", in: lua.state, atLineStart: true), [":help"])
    XCTAssertEqual(
      Completer().candidates(for: ":", in: lua.state, atLineStart: true).count, REPLCommand.names.count)
  }

  func testNothingIsCalledAndMissingPathsGiveNothing() throws {
    let lua = try fixture()
    let completer = Completer()
    XCTAssertEqual(completer.candidates(for: "lazy.x", in: lua.state), [])
    XCTAssertEqual(completer.candidates(for: "nothing.here", in: lua.state), [])
    XCTAssertEqual(completer.candidates(for: "word.x.y", in: lua.state), [])
    XCTAssertEqual(try lua.render("called"), "false")
  }

  func testCommonPrefix() {
    XCTAssertEqual(Completer.commonPrefix(["te.agents", "te.alerts"]), "te.a")
    XCTAssertEqual(Completer.commonPrefix(["x"]), "x")
    XCTAssertEqual(Completer.commonPrefix([]), "")
  }
}
