import Foundation
import Testing

/// Issue 16: the Lua that was in Swift strings (the `terun test` driver, `te.json`'s wrapper) is
/// terun's own embedded Lua (`terun/test_driver.lua`, `terun/json.lua`): errors still name the
/// user's file:line, and no frame of it shows in a traceback.
@Suite("embedded Lua that was in Swift strings, end to end")
struct EmbeddedLuaFrameTests {
  /// The traceback lines (those after "stack traceback:"), up to the next unindented line.
  private func frames(_ text: String) -> [String] {
    let parts = text.components(separatedBy: "stack traceback:\n")
    guard parts.count > 1 else { return [] }
    return parts[1].split(separator: "\n").prefix { $0.hasPrefix("\t") }
      .map { $0.trimmingCharacters(in: .whitespaces) }
  }

  @Test func aTestFilesTopLevelErrorNamesItsLineAndOnlyItsFrames() throws {
    let folder = try ScratchFolder()
    try folder.write(
      "top_test.lua", "local t = require(\"testing\")\nlocal function f() error(\"deep boom\") end\nf()\n")
    let result = try TerunProcess.run(["test", "top_test.lua"], in: folder.url)
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.hasPrefix("FAIL top_test.lua: top_test.lua:2: deep boom\n"), "\(result.stdout)")
    let shown = frames(result.stdout)
    #expect(shown.count == 2 && shown.allSatisfy { $0.hasPrefix("top_test.lua:") }, "\(result.stdout)")
    #expect(shown.last?.hasPrefix("top_test.lua:3: ") == true, "\(result.stdout)")
    #expect(!result.stdout.contains("terun test:") && !result.stdout.contains("terun/"), "\(result.stdout)")
    #expect(result.stdout.contains("top_test.lua: 0 passed, 1 failed"), "\(result.stdout)")
  }

  @Test func aTestFilesSyntaxErrorNamesItsLineWithNoTraceback() throws {
    let folder = try ScratchFolder()
    try folder.write("syn_test.lua", "local t = require(\"testing\"\n")
    let result = try TerunProcess.run(["test", "syn_test.lua"], in: folder.url)
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    #expect(
      result.stdout.hasPrefix(
        "FAIL syn_test.lua: syn_test.lua:2: ')' expected (to close '(' at line 1) near <eof>\n"),
      "\(result.stdout)")
    #expect(!result.stdout.contains("stack traceback"), "no frame of the driver: \(result.stdout)")
  }

  @Test func aTestFileRunsWithoutTheHandOverAndReportsItsCounts() throws {
    let folder = try ScratchFolder()
    try folder.write(
      "count_test.lua",
      """
      local t = require("testing")
      t.describe("d", function()
        t.it("sees no hand-over", function()
          t.assert.equals(nil, te.__terun_test)
        end)
        t.it("fails", function()
          t.assert.equals(1, 2)
        end)
      end)
      """)
    let result = try TerunProcess.run(["test", "-v", "count_test.lua"], in: folder.url)
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("ok   d > sees no hand-over\n"), "\(result.stdout)")
    #expect(
      result.stdout.contains("FAIL d > fails: count_test.lua:7: expected 1, got 2\n"), "\(result.stdout)")
    #expect(result.stdout.contains("count_test.lua: 1 passed, 1 failed"), "\(result.stdout)")
  }

  @Test func aTeJsonFailureNamesTheRunbooksLineAndNoWrapperFrame() throws {
    let folder = try ScratchFolder()
    try folder.write(
      "j.lua",
      "runbook { name = \"j\" }\nlocal function parse(s)\n  local v = te.json.decode(s)\n  return v\nend\nparse(\"{x\")\n"
    )
    let result = try TerunProcess.run(["run", "-v", "j.lua"], in: folder.url)
    #expect(result.status == 1, "\(result.stderr)")
    #expect(
      result.stderr.hasPrefix("terun: j.lua:3: invalid JSON at byte 1: expected a string key, found 'x'\n"),
      "\(result.stderr)")
    #expect(
      frames(result.stderr) == ["j.lua:3: in local 'parse'", "j.lua:6: in main chunk"], "\(result.stderr)")
  }
}
