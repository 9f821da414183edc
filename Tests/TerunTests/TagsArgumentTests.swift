import Foundation
import Testing

/// `te.tags` checks its arguments with the te library's one argument check (`checks.assert_arg`):
/// a wrong argument names the runbook's line, exit 1.
@Suite("te.tags argument checks, end to end")
struct TagsArgumentTests {
  @Test(arguments: [
    ("te.tags.find(5)", "bad argument #1 to 'te.tags.find' (string expected, got number)"),
    ("te.tags.find(\"env\", {})", "bad argument #2 to 'te.tags.find' (string expected, got table)"),
    ("te.tags.assign(\"1\", \"x\")", "bad argument #2 to 'te.tags.assign' (table expected, got string)"),
    ("te.tags.unassign(\"1\", 7)", "bad argument #2 to 'te.tags.unassign' (table expected, got number)"),
  ])
  func aWrongArgumentNamesTheRunbooksLine(call: String, message: String) throws {
    let folder = try ScratchFolder()
    try folder.write("tags.lua", "runbook { name = \"tags\" }\nlocal x = 1\n\(call)\nprint(x)\n")
    let result = try TerunProcess.run(["run", "--sim", "tags.lua"], in: folder.url)
    #expect(result.status == 1, "\(call): \(result.stderr)")
    #expect(result.stderr.contains("terun: tags.lua:3: \(message)\n"), "\(call): \(result.stderr)")
    #expect(!result.stderr.contains("te/tags.lua"), "\(call): \(result.stderr)")
  }
}
