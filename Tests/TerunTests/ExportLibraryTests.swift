import Foundation
import Testing

/// The stdlib's `export.pivot_csv` (the machinery behind export_latency), the CSV writer's
/// line ends and `time.now`, through the real binary against the built-in simulator.
@Suite("export.pivot_csv, csv line ends and time.now, end to end")
struct ExportLibraryTests {
  /// A runbook calling the library directly: `known=false` gives it no agents, so the streamed
  /// pass meets an unknown agent at once and the export runs again in memory.
  static let pivot = """
    runbook {
      name = "pivot",
      params = {
        known = { type = "boolean", default = true },
        out = { type = "string", default = "p.csv" },
        metric = { type = "string", default = "avgLatency" },
      },
    }
    local export = require("export")
    local test = te.tests.get(123456, { expand = "agent" })
    local s = export.pivot_csv(te, 123456, "network", {
      query = { startDate = "2026-06-01T00:00:00Z", endDate = "2026-06-01T03:00:00Z" },
      metric = te.params.metric,
      agents = te.params.known and test.agents or {},
      out = te.params.out,
    })
    te.log.warn("%d round(s), %d column(s), %d result(s), streamed: %s", s.rounds, s.columns, s.results, tostring(s.streamed))
    """

  private func text(_ folder: ScratchFolder, _ name: String) throws -> String {
    try String(contentsOf: folder.url.appendingPathComponent(name), encoding: .utf8)
  }

  @Test func streamedAndInMemoryExportsWriteTheSameFile() throws {
    let folder = try ScratchFolder()
    try folder.write("pivot.lua", Self.pivot)
    let streamed = try TerunProcess.run(["run", "pivot.lua", "--sim", "out=streamed.csv"], in: folder.url)
    #expect(streamed.status == 0, "\(streamed.stderr)")
    #expect(
      streamed.stderr.contains("18 round(s), 10 column(s), 180 result(s), streamed: true"),
      "\(streamed.stderr)")
    #expect(!streamed.stderr.contains("exporting again"), "\(streamed.stderr)")

    let buffered = try TerunProcess.run(
      ["run", "pivot.lua", "--sim", "known=false", "out=buffered.csv"], in: folder.url)
    #expect(buffered.status == 0, "\(buffered.stderr)")
    #expect(
      buffered.stderr.contains(
        "not assigned to the test, returned results; exporting again, keeping the rows in memory"),
      "\(buffered.stderr)")
    #expect(
      buffered.stderr.contains("18 round(s), 10 column(s), 180 result(s), streamed: false"),
      "\(buffered.stderr)")

    let file = try text(folder, "streamed.csv")
    #expect(try text(folder, "buffered.csv") == file, "both paths write the same bytes")
    let lines = file.components(separatedBy: "\r\n")
    #expect(lines.count == 20, "a header, 18 rounds and the final line end")
    #expect(lines[0].hasPrefix("Round ID,Date,\"Boston, MA\","), "\(lines[0])")
    #expect(lines[1].hasPrefix("1780272000,2026-06-01T00:00:00Z,"), "\(lines[1])")
    #expect(!file.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "CRLF only")
    #expect(folder.listing() == ["buffered.csv", "pivot.lua", "streamed.csv"], "no temporary files left")
  }

  @Test func stdoutGetsTheSameRowsWithLFLineEnds() throws {
    let folder = try ScratchFolder()
    try folder.write("pivot.lua", Self.pivot)
    let file = try TerunProcess.run(["run", "pivot.lua", "--sim", "metric=loss"], in: folder.url)
    #expect(file.status == 0, "\(file.stderr)")
    let printed = try TerunProcess.run(["run", "pivot.lua", "--sim", "metric=loss", "out=-"], in: folder.url)
    #expect(printed.status == 0, "\(printed.stderr)")
    #expect(printed.stderr.contains("streamed: false"), "stdout is never streamed: \(printed.stderr)")
    #expect(!printed.stdout.contains("\r"))
    #expect(printed.stdout == (try text(folder, "p.csv")).replacingOccurrences(of: "\r\n", with: "\n"))
    #expect(folder.listing() == ["p.csv", "pivot.lua"])
  }

  @Test func theShippedExportWritesTheSameAsTheLibraryCall() throws {
    let folder = try ScratchFolder()
    try folder.write("pivot.lua", Self.pivot)
    let library = try TerunProcess.run(["run", "pivot.lua", "--sim", "out=library.csv"], in: folder.url)
    #expect(library.status == 0, "\(library.stderr)")
    let shipped = try TerunProcess.run(
      [
        "export_latency", "--sim", "test_id=123456", "start=2026-06-01T00:00:00Z", "end=2026-06-01T03:00:00Z",
        "out=shipped.csv",
      ], in: folder.url)
    #expect(shipped.status == 0, "\(shipped.stderr)")
    #expect(shipped.stdout == "Wrote 18 round(s) x 10 agent(s) of avgLatency to shipped.csv\n")
    #expect(try text(folder, "shipped.csv") == (try text(folder, "library.csv")))
  }

  @Test func anUnknownTestFailsWithTheAPIsMessageAndLeavesNoFile() throws {
    let folder = try ScratchFolder()
    let result = try TerunProcess.run(
      ["export_latency", "--sim", "test_id=999999999", "out=gone.csv"], in: folder.url)
    #expect(result.status == 1)
    #expect(result.stderr.contains("no test with id 999999999"), "\(result.stderr)")
    #expect(result.stdout.isEmpty)
    #expect(folder.listing().isEmpty)
  }

  @Test func badArgumentsStopTheRunNamingTheArgument() throws {
    let folder = try ScratchFolder()
    try folder.write(
      "bad.lua",
      """
      require("export").pivot_csv(te, 123456, "network", { out = "x.csv" })
      """)
    let result = try TerunProcess.run(["run", "bad.lua", "--sim"], in: folder.url)
    #expect(result.status == 1)
    #expect(
      result.stderr.contains("bad.lua:1: export.pivot_csv: opts.metric must be the name of a result member"),
      "\(result.stderr)")
    #expect(folder.listing() == ["bad.lua"])
  }

  @Test func timeNowIsTerunsClock() throws {
    let folder = try ScratchFolder()
    try folder.write(
      "now.lua",
      """
      local time = require("time")
      local now = time.now()
      assert(math.type(now) == "integer", "an integer")
      assert(math.abs(now - te.now()) <= 1, "te.now's clock")
      print(time.range({ window = "1h" }).finish - now <= 1)
      """)
    let result = try TerunProcess.run(["run", "now.lua"], in: folder.url)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "true\n")
  }
}
