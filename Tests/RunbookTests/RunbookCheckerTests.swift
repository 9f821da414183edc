import Foundation
import Testing

@testable import Runbook

@Suite("terun check: the static checks")
struct RunbookCheckerTests {
  private func problems(_ source: String, file: String = "rb.lua") throws -> [String] {
    try RunbookChecker().check(RunbookSource(displayName: file, bytes: Array(source.utf8), folder: nil))
      .map(\.description)
  }

  @Test func scopesAreFollowed() throws {
    let found = try problems(
      """
      local a, b <const> = 1, 2
      local function f(x, ...)
        local t = { key = x, [1] = a, nested = { inner = b } }
        for i = 1, #t do t[i] = i end
        for k, v in pairs(t) do print(k, v) end
        repeat local r = 1 until r == 1
        while false do local w = 1 end
        if x then local y = 1 elseif x == 2 then local z = 2 else local q = 3 end
        goto done
        ::done::
        return select("#", ...)
      end
      local obj = {}
      function obj:method() return self end
      function helper() return f(1) end
      helper()
      pcall(function() assigned_later = 1 end)
      print(assigned_later, string.format("%d", 1), math.pi, utf8.char(65), te.json.encode({}))
      print(y, z, w, k)
      """)
    #expect(
      found == [
        "rb.lua:19: undefined global 'y'", "rb.lua:19: undefined global 'z'",
        "rb.lua:19: undefined global 'w'",
        "rb.lua:19: undefined global 'k'",
      ])
  }

  @Test func sandboxedAndMissingNamesAreReported() throws {
    let found = try problems(
      "io.write('x')\nlocal s = os.getenv('HOME')\nte.agents.lst()\nte.nothing.here()\n")
    #expect(found.contains("rb.lua:1: undefined global 'io'"), "\(found)")
    #expect(
      found.contains("rb.lua:3: te.agents.lst does not exist; did you mean te.agents.list?"), "\(found)")
    #expect(found.contains { $0.hasPrefix("rb.lua:4: te.nothing does not exist") }, "\(found)")
  }

  @Test func teParamsAndNewFieldsAreOpen() throws {
    #expect(try problems("print(te.params.anything.deep)\nte.custom = 1\nprint(te.fail_count())\n").isEmpty)
  }

  @Test func testFilesHaveTheTestHelpers() throws {
    #expect(try problems("local r = te.run_runbook('x', {})\n", file: "x_test.lua").isEmpty)
    #expect(try problems("local r = te.run_runbook('x', {})\n").count == 1)
  }

  @Test func aSyntaxErrorIsTheOnlyProblem() throws {
    #expect(
      try problems("local x = = 1\nprnt(1)\n") == ["rb.lua:1: does not compile: unexpected symbol near '='"])
  }
}
