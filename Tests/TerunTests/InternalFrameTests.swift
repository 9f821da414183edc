import Foundation
import Testing

/// Issue 16: terun's own Lua lives in files named `te/...` and `terun/...`, and is hidden from
/// users by that name: an error in a runbook's call into it names the runbook's file:line, and
/// no internal frame shows in a traceback. A runbook whose own path looks internal keeps its frames.
@Suite("internal Lua frames, end to end")
struct InternalFrameTests {
  /// The traceback lines (those after "stack traceback:").
  private func frames(_ stderr: String) -> [String] {
    let parts = stderr.components(separatedBy: "stack traceback:\n")
    guard parts.count > 1 else { return [] }
    return parts[1].split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
  }

  private func expectNoInternalFrames(_ stderr: String, _ comment: String) {
    for frame in frames(stderr) {
      #expect(
        !frame.hasPrefix("te/") && !frame.hasPrefix("terun/") && !frame.hasPrefix("[C]"),
        "\(comment): \(stderr)")
    }
    #expect(!stderr.contains("te/init.lua") && !stderr.contains("te/checks.lua"), "\(comment): \(stderr)")
  }

  @Test(arguments: [
    (
      "te.get(5)",
      "bad argument #1 to 'te.get' (string expected, got number)"
    ),
    (
      "te.tests.update(\"x\")",
      "bad argument #2 to 'te.tests.update' (table expected, got nil)"
    ),
    (
      "te.agents.list({}, { fields = \"agentId\" })",
      "te.agents.list: fields must be a list of member names like 'agent.agentId', got string"
    ),
    (
      "te.results.each(1, \"nope\")",
      "te.results.each: unknown result kind 'nope' (e.g. network, http-server, path-vis, page-load, dns-server)"
    ),
    (
      "te.with_aid(1, 2)",
      "bad argument #2 to 'te.with_aid' (function expected, got number)"
    ),
    (
      "te.log.info(\"%d agents\", \"x\")",
      "te.log.info: bad argument #2 to 'string.format' (number expected, got string)"
    ),
    (
      "require(\"nope\")",
      "module 'nope' not found:"
    ),
  ])
  func aWrongCallIntoTerunsLuaNamesTheRunbooksLine(call: String, message: String) throws {
    let folder = try ScratchFolder()
    try folder.write("wrong.lua", "runbook { name = \"wrong\" }\nlocal x = 1\n\(call)\nprint(x)\n")
    let result = try TerunProcess.run(["run", "wrong.lua"], in: folder.url)
    #expect(result.status == 1, "\(call): \(result.stderr)")
    #expect(result.stderr.hasPrefix("terun: wrong.lua:3: \(message)"), "\(call): \(result.stderr)")
    #expect(frames(result.stderr) == ["wrong.lua:3: in main chunk"], "\(call): \(result.stderr)")
    expectNoInternalFrames(result.stderr, call)
  }

  @Test func aNestedCallNamesTheInnermostRunbookLine() throws {
    let folder = try ScratchFolder()
    try folder.write(
      "nested.lua",
      """
      runbook { name = "nested" }
      local function list(options)
        local agents = te.agents.list(nil, options)
        return agents
      end
      list({ as = "sideways" })
      """)
    let result = try TerunProcess.run(["run", "nested.lua"], in: folder.url)
    #expect(result.status == 1, "\(result.stderr)")
    #expect(
      result.stderr.hasPrefix(
        "terun: nested.lua:3: te.agents.list: as must be \"objects\" or \"values\", got \"sideways\""),
      "\(result.stderr)")
    #expect(frames(result.stderr) == ["nested.lua:3: in local 'list'", "nested.lua:6: in main chunk"])
    expectNoInternalFrames(result.stderr, "nested")
  }

  @Test func aRunbookInAFolderNamedTeKeepsItsFrames() throws {
    let folder = try ScratchFolder()
    try folder.write("te/x.lua", "runbook { name = \"x\" }\nlocal t = nil\nprint(t.field)\n")
    try folder.write("terun/y.lua", "runbook { name = \"y\" }\nte.get(false)\n")
    let x = try TerunProcess.run(["run", "te/x.lua"], in: folder.url)
    #expect(x.status == 1, "\(x.stderr)")
    #expect(x.stderr.hasPrefix("terun: ./te/x.lua:3: attempt to index a nil value"), "\(x.stderr)")
    #expect(frames(x.stderr) == ["./te/x.lua:3: in main chunk"], "\(x.stderr)")
    let y = try TerunProcess.run(["run", "terun/y.lua"], in: folder.url)
    #expect(y.status == 1, "\(y.stderr)")
    #expect(
      y.stderr.hasPrefix(
        "terun: ./terun/y.lua:2: bad argument #1 to 'te.get' (string expected, got boolean)"),
      "\(y.stderr)")
  }
}
