import Foundation
import XCTest

@testable import LuaHost

final class FileSandboxTests: XCTestCase {
  private var root = ""
  private var runbookDir = ""
  private var outDir = ""
  private var outside = ""

  override func setUpWithError() throws {
    root = NSTemporaryDirectory() + "fs-sandbox-\(UUID().uuidString)"
    runbookDir = root + "/runbook"
    outDir = root + "/out"
    outside = root + "/outside"
    for dir in [runbookDir, outDir, outside] {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    try "a,b\n".write(toFile: runbookDir + "/data.csv", atomically: true, encoding: .utf8)
    try "param".write(toFile: outside + "/param.csv", atomically: true, encoding: .utf8)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: root) }

  private func sandbox() throws -> FileSandbox {
    try FileSandbox(readRoots: [runbookDir], extraReadablePaths: [outside + "/param.csv"], outDir: outDir)
  }

  private func assertViolation(_ body: () throws -> Void, _ text: String, line: UInt = #line) {
    XCTAssertThrowsError(try body(), line: line) { error in
      let violation = error as? LuaSandboxViolation
      XCTAssertNotNil(violation, "\(error)", line: line)
      XCTAssertEqual(violation?.message, text, line: line)
    }
  }

  func testReadsUnderTheRunbookFolderAndParameterPaths() throws {
    let fs = try sandbox()
    XCTAssertEqual(try fs.read("data.csv"), Array("a,b\n".utf8))
    XCTAssertEqual(try fs.read(runbookDir + "/data.csv"), Array("a,b\n".utf8))
    XCTAssertEqual(try fs.read(outside + "/param.csv"), Array("param".utf8))
  }

  func testReadsOutsideAreViolations() throws {
    let fs = try sandbox()
    assertViolation(
      { _ = try fs.read("/etc/passwd") },
      "te.fs.read: '/etc/passwd' is outside the runbook's folder and not a path parameter")
    try "other".write(toFile: outside + "/other.csv", atomically: true, encoding: .utf8)
    assertViolation(
      { _ = try fs.read("../outside/other.csv") },
      "te.fs.read: '../outside/other.csv' is outside the runbook's folder and not a path parameter")
    try FileManager.default.createSymbolicLink(
      atPath: runbookDir + "/link", withDestinationPath: "/etc/passwd")
    assertViolation(
      { _ = try fs.read("link") },
      "te.fs.read: 'link' is outside the runbook's folder and not a path parameter")
    XCTAssertThrowsError(try fs.read("missing.csv")) { error in
      XCTAssertEqual(
        (error as? LuaScriptError)?.message, "te.fs.read: cannot read 'missing.csv': no such file")
    }
  }

  func testWritesAreAtomicAndUnderOutDir() throws {
    let fs = try sandbox()
    let written = try fs.write("reports/latency.csv", Array("x,y\n".utf8))
    XCTAssertEqual(written, FileSandbox.realPath(outDir)! + "/reports/latency.csv")
    XCTAssertEqual(FileManager.default.contents(atPath: written), Data("x,y\n".utf8))
    try fs.write("reports/latency.csv", Array("z\n".utf8))
    XCTAssertEqual(FileManager.default.contents(atPath: written), Data("z\n".utf8))
    // No temporary files are left behind.
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outDir + "/reports"), ["latency.csv"])
  }

  func testEscapingWritesAreViolationsAndWriteNothing() throws {
    let fs = try sandbox()
    assertViolation({ try fs.write("../x", [1]) }, "te.fs.write: '../x' escapes the output folder with '..'")
    assertViolation(
      { try fs.write("a/../../x", [1]) }, "te.fs.write: 'a/../../x' escapes the output folder with '..'")
    assertViolation(
      { try fs.write(self.outside + "/abs.csv", [1]) },
      "te.fs.write: absolute path '\(outside)/abs.csv' refused; write paths are relative to the output folder"
    )
    try FileManager.default.createSymbolicLink(atPath: outDir + "/escape", withDestinationPath: outside)
    assertViolation(
      { try fs.write("escape/x.csv", [1]) },
      "te.fs.write: 'escape/x.csv' leads outside the output folder through a symlink")
    try FileManager.default.createSymbolicLink(
      atPath: outDir + "/file.csv", withDestinationPath: outside + "/param.csv")
    assertViolation(
      { try fs.write("file.csv", [1]) },
      "te.fs.write: 'file.csv' is a symlink leading outside the output folder")
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outside), ["param.csv"])
    XCTAssertEqual(FileManager.default.contents(atPath: outside + "/param.csv"), Data("param".utf8))
    XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/x"))
  }

  func testViolationFromAHostFunctionStopsTheRun() throws {
    let fs = try sandbox()
    let state = try LuaState.sandboxed()
    state.register("write", in: "fs") { context in
      try fs.write(try context.string(1), try context.bytes(2))
      return 0
    }
    XCTAssertThrowsError(
      try state.run(source: "pcall(fs.write, '../x', 'data')\nfs.write('ok.txt', 'fine')", chunkName: "w.lua")
    ) { error in
      XCTAssertEqual((error as? LuaError)?.kind, .sandboxViolation)
      XCTAssertEqual((error as? LuaError)?.message, "te.fs.write: '../x' escapes the output folder with '..'")
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: outDir + "/ok.txt"))
  }

  func testRequireLoadsSourceFromPathsThenBuiltins() throws {
    try "return { name = 'local' }".write(toFile: runbookDir + "/util.lua", atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: runbookDir + "/lib", withIntermediateDirectories: true)
    try "return { n = select('#', ...) }".write(
      toFile: runbookDir + "/lib/deep.lua", atomically: true, encoding: .utf8)
    let state = try LuaState.sandboxed(
      LuaSandboxOptions(
        requirePaths: [runbookDir], builtinModules: ["util": "return 'builtin'", "csvx": "return 'csv'"]))
    let results = try state.run(
      source:
        "return require('util').name, require('csvx'), require('util') == require('util'), require('lib.deep').n,"
        + " require('string') == string",
      chunkName: "r.lua")
    XCTAssertEqual(results, ["local", "csv", true, 2, true])
    XCTAssertThrowsError(try state.run(source: "local m = require('nope')", chunkName: "r.lua")) { error in
      let message = (error as? LuaError)?.message ?? ""
      XCTAssertTrue(message.hasPrefix("r.lua:1: module 'nope' not found:"), message)
      XCTAssertTrue(message.contains("no built-in module 'nope'"), message)
    }
  }
}
