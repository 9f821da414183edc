import Foundation
import REPL
import Testing

@Suite struct CompleterTests {
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

  @Test func completesAfterIndexingWithALiteralKey() throws {
    let lua = try LuaFixture()
    try lua.run(
      """
      sg = {{public = 1, pub_key = 2, private = 3}}
      t = {k = {alpha = {beta = 1}}, [2] = {two = 1}}
      """)
    let completer = Completer()
    // Tab's word ends at "]", so the word is ".pub" and the indexing comes as the text before.
    #expect(completer.candidates(for: ".pub", in: lua.state, before: "x = sg[1]") == [".pub_key", ".public"])
    #expect(completer.candidates(for: ".alpha.b", in: lua.state, before: "t[\"k\"]") == [".alpha.beta"])
    #expect(completer.candidates(for: ".t", in: lua.state, before: "print(t[2]") == [".two"])
    #expect(completer.candidates(for: "sg[1].pub", in: lua.state) == ["sg[1].pub_key", "sg[1].public"])
    // Only literal keys are walked: a call or a variable index completes nothing.
    #expect(completer.candidates(for: ".pub", in: lua.state, before: "sg[f()]") == [])
    #expect(completer.candidates(for: ".pub", in: lua.state, before: "sg[i]") == [])
    #expect(completer.candidates(for: ".pub", in: lua.state, before: "sg[9]") == [])
  }

  @Test func dottedPrefixCompletesFieldsOfTheLiveTable() throws {
    let lua = try fixture()
    let completer = Completer()
    #expect(completer.candidates(for: "te.ag", in: lua.state) == ["te.agents"])
    #expect(completer.candidates(for: "te.a", in: lua.state) == ["te.agents", "te.alerts"])
    #expect(completer.candidates(for: "te.agents.l", in: lua.state) == ["te.agents.list"])
    #expect(completer.candidates(for: "held.", in: lua.state) == ["held.alpha", "held.beta"])
    #expect(completer.candidates(for: "held.beta.g", in: lua.state) == ["held.beta.gamma"])
    #expect(completer.candidates(for: "inherited.par", in: lua.state) == ["inherited.parent_field"])
  }

  @Test func globalsAndKeywords() throws {
    let lua = try fixture()
    let completer = Completer()
    #expect(completer.candidates(for: "pri", in: lua.state) == ["print"])
    #expect(completer.candidates(for: "ret", in: lua.state) == ["return"])
    #expect(completer.candidates(for: "", in: lua.state).contains("held"))
  }

  @Test func methodsOfStringsThroughTheStringMetatable() throws {
    let lua = try fixture()
    #expect(Completer().candidates(for: "word:up", in: lua.state) == ["word:upper"])
  }

  @Test func commandsOnlyAtTheStartOfTheLine() throws {
    let lua = try fixture()
    #expect(Completer().candidates(for: ":he", in: lua.state, atLineStart: true) == [":help"])
    #expect(Completer().candidates(for: ":", in: lua.state, atLineStart: true).count == REPLCommand.names.count)
  }

  @Test func nothingIsCalledAndMissingPathsGiveNothing() throws {
    let lua = try fixture()
    let completer = Completer()
    #expect(completer.candidates(for: "lazy.x", in: lua.state) == [])
    #expect(completer.candidates(for: "nothing.here", in: lua.state) == [])
    #expect(completer.candidates(for: "word.x.y", in: lua.state) == [])
    #expect(try lua.render("called") == "false")
  }

  @Test func commonPrefix() {
    #expect(Completer.commonPrefix(["te.agents", "te.alerts"]) == "te.a")
    #expect(Completer.commonPrefix(["x"]) == "x")
    #expect(Completer.commonPrefix([]) == "")
  }
}
