import Foundation
import Testing

@Suite("te.fs.open, end to end")
struct FileWriterCommandTests {
  @Test func aStreamedExportLandsUnderOutDirAtClose() throws {
    let folder = try ScratchFolder()
    try folder.write(
      "export.lua",
      """
      local w <close> = te.fs.open("data/rows.csv")
      for i = 1, 100000 do w:write(i, "\\n") end
      """)
    try FileManager.default.createDirectory(
      at: folder.url.appendingPathComponent("out"), withIntermediateDirectories: true)
    let result = try TerunProcess.run(["run", "export.lua", "--out-dir", "out"], in: folder.url)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.isEmpty, "\(result.stderr)")
    #expect(folder.listing() == ["export.lua", "out", "out/data", "out/data/rows.csv"])
    let text = try String(contentsOf: folder.url.appendingPathComponent("out/data/rows.csv"), encoding: .utf8)
    #expect(text.hasPrefix("1\n2\n3\n"))
    #expect(text.hasSuffix("\n99999\n100000\n"))
    #expect(text.split(separator: "\n").count == 100_000)
  }

  @Test func aFailedRunLeavesNoFileAndAnUnclosedWriterWarns() throws {
    let folder = try ScratchFolder()
    try folder.write(
      "fails.lua",
      """
      local w = te.fs.open("half.csv")
      for i = 1, 100000 do w:write(i, "\\n") end
      error("stopped midway")
      """)
    try folder.write(
      "forgets.lua",
      """
      te.fs.open("forgotten.csv"):write("x")
      """)
    let failed = try TerunProcess.run(["run", "fails.lua"], in: folder.url)
    #expect(failed.status == 1)
    #expect(failed.stderr.contains("fails.lua:3: stopped midway"), "\(failed.stderr)")
    let forgot = try TerunProcess.run(["run", "forgets.lua"], in: folder.url)
    #expect(forgot.status == 0, "\(forgot.stderr)")
    #expect(forgot.stderr.contains("WARN  te.fs.open('forgotten.csv'): never closed; nothing was written"))
    #expect(folder.listing() == ["fails.lua", "forgets.lua"])
  }

  @Test func escapesStopTheRunWithExit3() throws {
    let folder = try ScratchFolder()
    try folder.write("escape.lua", "te.fs.open('../outside.csv')\n")
    let result = try TerunProcess.run(["run", "escape.lua", "--out-dir", "."], in: folder.url)
    #expect(result.status == 3)
    #expect(
      result.stderr.contains("sandbox: te.fs.open: '../outside.csv' escapes the output folder with '..'"))
    #expect(folder.listing() == ["escape.lua"])
  }
}
