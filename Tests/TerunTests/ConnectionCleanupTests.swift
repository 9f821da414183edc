import Foundation
import Testing

/// `terun run` closes its API client and stops its in-process simulator through one helper
/// (withConnection / withAsyncCleanup) however the run ends: each way out keeps its exit code
/// and message, and the process ends instead of waiting on a server left running.
@Suite("terun run closes its connection on every path")
struct ConnectionCleanupTests {
  /// One way out of a run: the arguments after `run --sim` (`HELLO` is the hello runbook,
  /// `SCRATCH` the test's folder), and what it must end with.
  struct WayOut: Sendable, CustomTestStringConvertible {
    let name: String
    let arguments: [String]
    let status: Int32
    let stdout: String
    let stderr: String
    var testDescription: String { name }
  }

  static let waysOut = [
    WayOut(
      name: "runbook error", arguments: ["SCRATCH/fails.lua"], status: 1, stdout: "",
      stderr: "fails.lua:1: boom"),
    WayOut(
      name: "plan not saved after the run",
      arguments: ["HELLO", "name=x", "--dry-run", "--plan-out", "SCRATCH/missing/plan.json"], status: 1,
      stdout: "Hello, x!\n", stderr: "cannot write the plan to"),
    WayOut(
      name: "usage error before the run", arguments: ["HELLO"], status: 2, stdout: "",
      stderr: "missing required parameter name"),
    WayOut(
      name: "success", arguments: ["HELLO", "name=y"], status: 0, stdout: "Hello, y!\n",
      stderr: "INFO  greeted y"),
  ]

  @Test(arguments: waysOut)
  func endsWithItsCodeAndMessage(_ way: WayOut) throws {
    let folder = try ScratchFolder()
    try folder.write("fails.lua", "error('boom')\n")
    let hello = TerunProcess.packageRoot.appendingPathComponent("runbooks/hello.lua").path
    let arguments = way.arguments.map {
      $0.replacingOccurrences(of: "HELLO", with: hello).replacingOccurrences(
        of: "SCRATCH", with: folder.url.path)
    }
    let result = try TerunProcess.run(["run", "--sim"] + arguments, in: folder.url, deadline: 60)
    #expect(!result.timedOut)
    #expect(result.status == way.status, "\(result.stderr)")
    #expect(result.stdout == way.stdout)
    #expect(result.stderr.contains(way.stderr), "\(result.stderr)")
  }
}
