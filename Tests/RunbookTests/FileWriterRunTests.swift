import Foundation
import LuaHost
import Testing
import ThousandEyes

@testable import Runbook

/// `te.fs.open` in whole runs: the file appears at close, a failed run leaves nothing, a
/// writer left open is aborted with a warning, `<close>` commits or aborts, and nested runs
/// (`te.run_runbook`) capture the files.
@Suite final class FileWriterRunTests {
  private let root: String
  private let runbookDir: String
  private let outDir: String

  init() throws {
    root = NSTemporaryDirectory() + "fs-open-run-\(UUID().uuidString)"
    runbookDir = root + "/runbooks"
    outDir = root + "/out"
    for dir in [runbookDir, outDir] {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
  }

  deinit { try? FileManager.default.removeItem(atPath: root) }

  private struct Outcome {
    var stdout: String
    var stderr: String
    var failure: CommandFailure?
  }

  private func configuration(_ source: String, name: String = "w.lua") throws -> RunConfiguration {
    let bytes = Array(source.utf8)
    let header = try RunbookHeader.parse(source: bytes, file: name)
    return RunConfiguration(
      source: RunbookSource(displayName: name, bytes: bytes, folder: runbookDir),
      header: header, parameters: try ParameterBinder.bind([], to: header, relativeTo: runbookDir),
      outputDirectory: outDir,
      limits: RunLimits(maxMemory: ByteSize(bytes: 256 << 20)))
  }

  /// Runs `source` as a runbook on a thread of its own; captures stdout and stderr.
  private func run(_ source: String, installers: [any TEModuleInstaller] = []) async throws -> Outcome {
    let stdoutPath = root + "/stdout"
    let stderrPath = root + "/stderr"
    let out = open(stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let err = open(stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let sink = OutputSink(stdout: out, stderr: err)
    var failure: CommandFailure?
    do {
      try await RunbookRunner(configuration: try configuration(source), sink: sink, installers: installers)
        .run()
    } catch let error as CommandFailure {
      failure = error
    }
    sink.flush()
    close(out)
    close(err)
    return Outcome(
      stdout: (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "",
      stderr: (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "", failure: failure)
  }

  private func outFiles(_ folder: String? = nil) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder ?? outDir).sorted()
  }

  @Test func streamsManyLinesIntoTheFileAtClose() async throws {
    let outcome = try await run(
      """
      local w = te.fs.open("reports/big.csv")
      assert(w:write("n,half\\n") == w, "write returns the writer")
      for i = 1, 100000 do w:write(i, ",", i / 2, "\\n") end
      print(tostring(w))
      w:close()
      w:close()
      print(tostring(w))
      """)
    #expect(outcome.failure == nil, "\(outcome.failure?.message ?? "")")
    #expect(
      outcome.stdout == "te.fs writer 'reports/big.csv' (open)\nte.fs writer 'reports/big.csv' (closed)\n")
    #expect(outcome.stderr == "", "no warning for a closed writer")
    let text = try String(contentsOfFile: outDir + "/reports/big.csv", encoding: .utf8)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == 100_002)
    #expect(lines[0] == "n,half")
    #expect(lines[1] == "1,0.5")
    #expect(lines[2] == "2,1.0", "numbers are written as tostring writes them")
    #expect(lines[100_000] == "100000,50000.0")
    #expect(lines[100_001] == "")
    #expect(try outFiles(outDir + "/reports") == ["big.csv"])
    let mode = try FileManager.default.attributesOfItem(atPath: outDir + "/reports/big.csv")[
      .posixPermissions]
    #expect(mode as? Int == 0o644)
  }

  @Test func aRunThatFailsMidwayLeavesNoFileAndNoTemporaryFile() async throws {
    try "old".write(toFile: outDir + "/keep.csv", atomically: true, encoding: .utf8)
    let outcome = try await run(
      """
      runbook { name = "w", params = { out = { type = "string", default = "keep.csv" } } }
      local w = te.fs.open("new.csv")
      local k = te.fs.open(te.params.out) -- a file named by a parameter may be replaced
      for i = 1, 50000 do w:write("row ", i, "\\n"); k:write("x") end
      error("the API went away")
      """)
    #expect(outcome.failure?.exitStatus == .runbookError)
    #expect(outcome.failure?.message.hasPrefix("w.lua:5: the API went away") ?? false, "\(outcome)")
    #expect(!outcome.stderr.contains("never closed"), "a failed run does not warn: \(outcome.stderr)")
    #expect(try outFiles() == ["keep.csv"])
    #expect(try String(contentsOfFile: outDir + "/keep.csv", encoding: .utf8) == "old")
  }

  @Test func aWriterNeverClosedIsAbortedWithAWarning() async throws {
    let outcome = try await run(
      """
      local w = te.fs.open("forgotten.csv")
      w:write("a,b\\n")
      print("done")
      """)
    #expect(outcome.failure == nil, "\(outcome.failure?.message ?? "")")
    #expect(outcome.stdout == "done\n")
    #expect(
      outcome.stderr.contains("WARN  te.fs.open('forgotten.csv'): never closed; nothing was written"),
      "\(outcome.stderr)")
    #expect(try outFiles() == [])
  }

  @Test func aCollectedWriterIsAbortedAndLeavesNoTemporaryFile() async throws {
    let outcome = try await run(
      """
      do
        local w = te.fs.open("dropped.csv")
        w:write(string.rep("x", 200000))
      end
      collectgarbage("count")
      for i = 1, 5 do local t = {} for j = 1, 100000 do t[j] = j end end
      """)
    #expect(outcome.failure == nil, "\(outcome.failure?.message ?? "")")
    #expect(outcome.stderr == "", "collected during the run, so not left open at its end")
    #expect(try outFiles() == [])
  }

  @Test func toBeClosedWritersCommitOnExitAndAbortOnError() async throws {
    let outcome = try await run(
      """
      do
        local w <close> = te.fs.open("ok.csv")
        w:write("committed\\n")
      end
      local ok, err = pcall(function()
        local w <close> = te.fs.open("bad.csv")
        w:write("half")
        error("midway", 0)
      end)
      print(ok, err)
      do
        local w <close> = te.fs.open("aborted.csv")
        w:write("x")
        w:abort()
      end
      local w = te.fs.open("late.csv")
      w:close()
      print(select(2, pcall(w.write, w, "more")))
      local a = te.fs.open("a.csv")
      a:abort()
      a:abort()
      print(select(2, pcall(a.close, a)))
      print(select(2, pcall(w.write, w, {})))
      print(select(2, pcall(a.write, "not a writer")))
      """)
    #expect(outcome.failure == nil, "\(outcome.failure?.message ?? "")")
    #expect(
      outcome.stdout == """
        false\tmidway
        te.fs.open('late.csv'): write after close
        te.fs.open('a.csv'): close after abort; nothing was written
        te.fs.open('late.csv'): write after close
        bad argument #1 to 'write' (te.fs writer expected, got string); call it as w:write(...)

        """)
    #expect(try outFiles() == ["late.csv", "ok.csv"])
    #expect(try String(contentsOfFile: outDir + "/ok.csv", encoding: .utf8) == "committed\n")
    #expect(outcome.stderr == "")
  }

  @Test func badArgumentsAndSandboxRefusalsNameTeFsOpen() async throws {
    let outcome = try await run(
      """
      local w = te.fs.open("t.csv")
      print(select(2, pcall(w.write, w, "ok", {})))
      w:abort()
      print(select(2, pcall(te.fs.open)))
      te.fs.open("../escape.csv")
      """)
    #expect(outcome.failure?.exitStatus == .limitOrSandbox)
    #expect(
      outcome.failure?.message == "sandbox: te.fs.open: '../escape.csv' escapes the output folder with '..'")
    #expect(
      outcome.stdout == """
        bad argument #2 to 'write' (string expected, got table)
        bad argument #1 to 'te.fs.open' (string expected, got no value)

        """)
    #expect(try outFiles() == [])
    #expect(!FileManager.default.fileExists(atPath: root + "/escape.csv"))
  }

  @Test func csvFileWriterStreamsThroughTeFsOpen() async throws {
    let outcome = try await run(
      """
      local csv = require("csv")
      local out = csv.file_writer(te.fs, "agents.csv", { header = { "id", "name" }, flush_bytes = 16 })
      for i = 1, 1000 do out:row({ i, "agent " .. i }) end
      out:close()
      local failed = csv.file_writer(te.fs, "failed.csv")
      failed:row({ 1 })
      failed:abort()
      """)
    #expect(outcome.failure == nil, "\(outcome.failure?.message ?? "")")
    #expect(try outFiles() == ["agents.csv"])
    let text = try String(contentsOfFile: outDir + "/agents.csv", encoding: .utf8)
    #expect(text.hasPrefix("id,name\r\n1,agent 1\r\n"))
    #expect(text.hasSuffix("1000,agent 1000\r\n"))
    #expect(outcome.stderr == "")
  }

  @Test func nestedRunsCaptureOpenedFilesAndDropUnclosedOnes() async throws {
    try """
    local w = te.fs.open("inner.csv")
    w:write("a,b\\n", 1, ",", 2, "\\n")
    w:close()
    te.fs.open("left-open.csv"):write("lost")
    """.write(toFile: runbookDir + "/inner.lua", atomically: true, encoding: .utf8)
    try """
    local w <close> = te.fs.open("half.csv")
    w:write("half")
    error("inner failed")
    """.write(toFile: runbookDir + "/failing.lua", atomically: true, encoding: .utf8)
    let client = try ThousandEyesClient(
      configuration: ClientConfiguration(baseURL: URL(string: "http://127.0.0.1:9")!, token: nil))
    let outcome = try await run(
      """
      local r = te.run_runbook("inner.lua")
      local names = {}
      for name, text in pairs(r.files) do names[#names + 1] = name .. "=" .. text end
      table.sort(names)
      print(r.ok, table.concat(names, ";"))
      print((r.log:match("WARN  (.-)\\n")))
      local f = te.run_runbook("failing.lua")
      print(f.ok, next(f.files))
      """, installers: [NestedRunbookInstaller(client: client)])
    try await client.shutdown()
    #expect(outcome.failure == nil, "\(outcome.failure?.message ?? "")")
    #expect(
      outcome.stdout == """
        true\tinner.csv=a,b
        1,2

        te.fs.open('left-open.csv'): never closed; nothing was written
        false\tnil

        """)
    #expect(try outFiles() == [])
  }
}
