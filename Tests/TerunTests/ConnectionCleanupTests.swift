import Foundation
import Testing

/// `terun run` closes its API client and stops its in-process simulator through one helper
/// (withConnection / withAsyncCleanup) however the run ends: each way out keeps its exit code
/// and message, and the process ends instead of waiting on a server left running.
@Suite("terun run closes its connection on every path")
struct ConnectionCleanupTests {
  @Test func runbookErrorWithTheSimulator() throws {
    let folder = try ScratchFolder()
    let runbook = try folder.write("fails.lua", "error('boom')\n")
    let result = try TerunProcess.run(["run", "--sim", runbook.path], in: folder.url, deadline: 60)
    #expect(!result.timedOut)
    #expect(result.status == 1, "\(result.stderr)")
    #expect(result.stderr.contains("fails.lua:1: boom"), "\(result.stderr)")
  }

  @Test func failureAfterTheRunWhileSavingThePlan() throws {
    let folder = try ScratchFolder()
    let result = try TerunProcess.run(
      [
        "run", "--sim", TerunProcess.packageRoot.appendingPathComponent("runbooks/hello.lua").path, "name=x",
        "--dry-run", "--plan-out", folder.url.appendingPathComponent("missing/plan.json").path,
      ], in: folder.url, deadline: 60)
    #expect(!result.timedOut)
    #expect(result.status == 1, "\(result.stderr)")
    #expect(result.stdout == "Hello, x!\n")
    #expect(result.stderr.contains("cannot write the plan to"), "\(result.stderr)")
  }

  @Test func usageErrorBeforeTheRunStarts() throws {
    let folder = try ScratchFolder()
    let result = try TerunProcess.run(
      ["run", "--sim", TerunProcess.packageRoot.appendingPathComponent("runbooks/hello.lua").path],
      in: folder.url, deadline: 60)
    #expect(!result.timedOut)
    #expect(result.status == 2, "\(result.stderr)")
    #expect(result.stderr.contains("missing required parameter name"), "\(result.stderr)")
  }

  @Test func successfulRunWithTheSimulator() throws {
    let folder = try ScratchFolder()
    let result = try TerunProcess.run(
      ["run", "--sim", TerunProcess.packageRoot.appendingPathComponent("runbooks/hello.lua").path, "name=y"],
      in: folder.url, deadline: 60)
    #expect(!result.timedOut)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "Hello, y!\n")
  }
}
