import Foundation
import Testing

@testable import LuaHost

@Suite final class FileSandboxTests {
  private let root: String
  private let runbookDir: String
  private let outDir: String
  private let outside: String

  init() throws {
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

  deinit { try? FileManager.default.removeItem(atPath: root) }

  private func sandbox() throws -> FileSandbox {
    try FileSandbox(readRoots: [runbookDir], extraReadablePaths: [outside + "/param.csv"], outDir: outDir)
  }

  private func assertViolation(
    _ body: () throws -> Void, _ text: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    do {
      let error = try #require(throws: (any Error).self, sourceLocation: sourceLocation) { try body() }
      let violation = error as? LuaSandboxViolation
      #expect(violation != nil, "\(error)", sourceLocation: sourceLocation)
      #expect(violation?.message == text, sourceLocation: sourceLocation)
    }
  }

  @Test func readsUnderTheRunbookFolderAndParameterPaths() throws {
    let fs = try sandbox()
    #expect(try fs.read("data.csv") == Array("a,b\n".utf8))
    #expect(try fs.read(runbookDir + "/data.csv") == Array("a,b\n".utf8))
    #expect(try fs.read(outside + "/param.csv") == Array("param".utf8))
  }

  @Test func readsOutsideAreViolations() throws {
    let fs = try sandbox()
    try assertViolation(
      { _ = try fs.read("/etc/passwd") },
      "te.fs.read: '/etc/passwd' is outside the runbook's folder and not a path parameter")
    try "other".write(toFile: outside + "/other.csv", atomically: true, encoding: .utf8)
    try assertViolation(
      { _ = try fs.read("../outside/other.csv") },
      "te.fs.read: '../outside/other.csv' is outside the runbook's folder and not a path parameter")
    try FileManager.default.createSymbolicLink(
      atPath: runbookDir + "/link", withDestinationPath: "/etc/passwd")
    try assertViolation(
      { _ = try fs.read("link") },
      "te.fs.read: 'link' is outside the runbook's folder and not a path parameter")
    let error = try #require(throws: (any Error).self) { try fs.read("missing.csv") }
    #expect((error as? LuaScriptError)?.message == "te.fs.read: cannot read 'missing.csv': no such file")
  }

  @Test func writesAreAtomicAndUnderOutDir() throws {
    let fs = try sandbox()
    let written = try fs.write("reports/latency.csv", Array("x,y\n".utf8))
    #expect(written == FileSandbox.realPath(outDir)! + "/reports/latency.csv")
    #expect(FileManager.default.contents(atPath: written) == Data("x,y\n".utf8))
    try fs.write("reports/latency.csv", Array("z\n".utf8))
    #expect(FileManager.default.contents(atPath: written) == Data("z\n".utf8))
    // No temporary files are left behind.
    #expect(try FileManager.default.contentsOfDirectory(atPath: outDir + "/reports") == ["latency.csv"])
  }

  @Test func escapingWritesAreViolationsAndWriteNothing() throws {
    let fs = try sandbox()
    try assertViolation(
      { try fs.write("../x", [1]) }, "te.fs.write: '../x' escapes the output folder with '..'")
    try assertViolation(
      { try fs.write("a/../../x", [1]) }, "te.fs.write: 'a/../../x' escapes the output folder with '..'")
    try assertViolation(
      { try fs.write(self.outside + "/abs.csv", [1]) },
      "te.fs.write: absolute path '\(outside)/abs.csv' refused; write paths are relative to the output folder"
    )
    try FileManager.default.createSymbolicLink(atPath: outDir + "/escape", withDestinationPath: outside)
    try assertViolation(
      { try fs.write("escape/x.csv", [1]) },
      "te.fs.write: 'escape/x.csv' leads outside the output folder through a symlink")
    try FileManager.default.createSymbolicLink(
      atPath: outDir + "/file.csv", withDestinationPath: outside + "/param.csv")
    try assertViolation(
      { try fs.write("file.csv", [1]) },
      "te.fs.write: 'file.csv' is a symlink leading outside the output folder")
    #expect(try FileManager.default.contentsOfDirectory(atPath: outside) == ["param.csv"])
    #expect(FileManager.default.contents(atPath: outside + "/param.csv") == Data("param".utf8))
    #expect(!FileManager.default.fileExists(atPath: root + "/x"))
  }

  private func temporaryFiles(_ folder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(".tmp-") }
  }

  @Test func streamingWriteLandsAtomicallyAtClose() throws {
    let fs = try sandbox()
    try fs.write("reports/latency.csv", Array("old\n".utf8))
    let writer = try fs.open("reports/latency.csv", bufferSize: 8)
    let target = FileSandbox.realPath(outDir)! + "/reports/latency.csv"
    #expect(writer.target == target)
    let temporary = (writer.temporaryPath as NSString).lastPathComponent
    #expect(temporary.hasPrefix(".latency.csv.tmp-"), "\(temporary)")
    #expect((writer.temporaryPath as NSString).deletingLastPathComponent == outDir + "/reports")
    var expected = ""
    for i in 1...1000 {
      let line = "\(i),row \(i)\n"
      expected += line
      try writer.write(Array(line.utf8))
      if i == 500 {
        // Half way: the target still has its old contents; the bytes sit in the temporary file.
        #expect(FileManager.default.contents(atPath: target) == Data("old\n".utf8))
        #expect(
          (try FileManager.default.attributesOfItem(atPath: writer.temporaryPath)[.size] as? Int) ?? 0 > 1000)
      }
    }
    #expect(writer.status == .open)
    try writer.close()
    try writer.close()  // closing twice is harmless
    #expect(writer.status == .committed)
    #expect(FileManager.default.contents(atPath: target) == Data(expected.utf8))
    #expect(try FileManager.default.contentsOfDirectory(atPath: outDir + "/reports") == ["latency.csv"])
    #expect(try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int == 0o644)
    let error = try #require(throws: (any Error).self) { try writer.write([1]) }
    #expect((error as? LuaScriptError)?.message == "te.fs.open('reports/latency.csv'): write after close")
  }

  @Test func abortAndDroppingAWriterLeaveNoTemporaryFileAndTheTargetUntouched() throws {
    let fs = try sandbox()
    try fs.write("keep.csv", Array("keep".utf8))
    let aborted = try fs.open("keep.csv", bufferSize: 4)
    try aborted.write(Array("replaced contents".utf8))
    #expect(try temporaryFiles(outDir).count == 1)
    aborted.abort()
    aborted.abort()
    #expect(aborted.status == .aborted)
    #expect(try temporaryFiles(outDir) == [])
    #expect(FileManager.default.contents(atPath: outDir + "/keep.csv") == Data("keep".utf8))
    do {
      let error = try #require(throws: (any Error).self) { try aborted.close() }
      #expect(
        (error as? LuaScriptError)?.message
          == "te.fs.open('keep.csv'): close after abort; nothing was written")
    }
    do {
      let error = try #require(throws: (any Error).self) { try aborted.write([1]) }
      #expect(
        (error as? LuaScriptError)?.message
          == "te.fs.open('keep.csv'): write after abort; nothing was written")
    }

    var dropped: AtomicFileWriter? = try fs.open("new/dropped.csv", bufferSize: 4)
    try dropped?.write(Array("never closed".utf8))
    #expect(try temporaryFiles(outDir + "/new").count == 1)
    dropped = nil
    #expect(try FileManager.default.contentsOfDirectory(atPath: outDir + "/new") == [])
    #expect(FileManager.default.contents(atPath: outDir + "/keep.csv") == Data("keep".utf8))
  }

  @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "needs /dev/full"))
  func aWriteErrorNamesThePathAndRemovesTheTemporaryFile() throws {
    let full = open("/dev/full", O_WRONLY)
    try #require(full >= 0, "cannot open /dev/full")
    // Every write to /dev/full fails with ENOSPC; the "temporary file" is a real file here so
    // the test can see it removed.
    let temporary = outDir + "/.full.csv.tmp-test"
    try "".write(toFile: temporary, atomically: false, encoding: .utf8)
    let writer = AtomicFileWriter(
      target: outDir + "/full.csv", displayPath: "full.csv", functionName: "te.fs.open", bufferSize: 4,
      descriptor: full, temporaryPath: temporary)
    try writer.write(Array("ab".utf8))  // buffered: nothing written yet
    do {
      let error = try #require(throws: (any Error).self) { try writer.write(Array("cdef".utf8)) }
      #expect(
        (error as? LuaScriptError)?.message == "te.fs.open: cannot write 'full.csv': No space left on device")
    }
    #expect(writer.status == .failed)
    #expect(try FileManager.default.contentsOfDirectory(atPath: outDir) == [])
    do {
      let error = try #require(throws: (any Error).self) { try writer.close() }
      #expect(
        (error as? LuaScriptError)?.message
          == "te.fs.open('full.csv'): close after a failed write; nothing was written")
    }
  }

  @Test func aWriterHeldByLuaIsAbortedWhenCollectedOrWhenTheStateCloses() throws {
    let fs = try sandbox()
    var state: LuaState? = try LuaState.sandboxed()
    state!.defineObjectClass(
      "test.writer",
      methods: [
        "write": { call in
          try call.object(1, class: "test.writer", as: AtomicFileWriter.self)!.write(try call.bytes(2))
          return 0
        }
      ])
    state!.register("open") { call in
      call.pushObject(try fs.open(try call.string(1), bufferSize: 4), class: "test.writer")
      return 1
    }
    _ = try state!.run(
      source:
        "do local w = open('collected.csv'); w:write('hello') end\nkept = open('kept.csv')\nkept:write('hi there')",
      chunkName: "gc.lua")
    #expect(try temporaryFiles(outDir).count == 2)
    state!.collectGarbage()
    let left = try temporaryFiles(outDir)
    #expect(left.count == 1)
    #expect(left.first?.hasPrefix(".kept.csv.tmp-") ?? false, "\(left)")
    state = nil  // lua_close collects the rest
    #expect(try FileManager.default.contentsOfDirectory(atPath: outDir) == [])
  }

  @Test func openRefusesEscapesExactlyLikeWrite() throws {
    let fs = try sandbox()
    try FileManager.default.createSymbolicLink(atPath: outDir + "/escape", withDestinationPath: outside)
    try FileManager.default.createSymbolicLink(
      atPath: outDir + "/file.csv", withDestinationPath: outside + "/param.csv")
    try FileManager.default.createSymbolicLink(
      atPath: outDir + "/dangling", withDestinationPath: root + "/none")
    let cases: [(String, String)] = [
      ("../x", "'../x' escapes the output folder with '..'"),
      ("a/../../x", "'a/../../x' escapes the output folder with '..'"),
      (
        outside + "/abs.csv",
        "absolute path '\(outside)/abs.csv' refused; write paths are relative to the output folder"
      ),
      ("escape/x.csv", "'escape/x.csv' leads outside the output folder through a symlink"),
      ("file.csv", "'file.csv' is a symlink leading outside the output folder"),
      ("dangling/x.csv", "'dangling/x.csv' goes through a dangling symlink"),
      ("", "empty path"),
      ("sub/.", "'sub/.' does not name a file"),
    ]
    for (path, reason) in cases {
      try assertViolation({ try fs.write(path, [1]) }, "te.fs.write: " + reason)
      try assertViolation({ _ = try fs.open(path) }, "te.fs.open: " + reason)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: outside) == ["param.csv"])
    #expect(FileManager.default.contents(atPath: outside + "/param.csv") == Data("param".utf8))
    #expect(!FileManager.default.fileExists(atPath: root + "/x"))
    #expect(try temporaryFiles(outDir) == [])
  }

  @Test func violationFromAHostFunctionStopsTheRun() throws {
    let fs = try sandbox()
    let state = try LuaState.sandboxed()
    state.register("write", in: "fs") { context in
      try fs.write(try context.string(1), try context.bytes(2))
      return 0
    }
    let error = try #require(throws: (any Error).self) {
      try state.run(
        source: "pcall(fs.write, '../x', 'data')\nfs.write('ok.txt', 'fine')", chunkName: "w.lua")
    }
    #expect((error as? LuaError)?.kind == .sandboxViolation)
    #expect((error as? LuaError)?.message == "te.fs.write: '../x' escapes the output folder with '..'")
    #expect(!FileManager.default.fileExists(atPath: outDir + "/ok.txt"))
  }

  @Test func requireLoadsSourceFromPathsThenBuiltins() throws {
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
    #expect(results == ["local", "csv", true, 2, true])
    let error = try #require(throws: (any Error).self) {
      try state.run(source: "local m = require('nope')", chunkName: "r.lua")
    }
    let message = (error as? LuaError)?.message ?? ""
    #expect(message.hasPrefix("r.lua:1: module 'nope' not found:"), "\(message)")
    #expect(message.contains("no built-in module 'nope'"), "\(message)")
  }

  // MARK: Issue 13

  @Test(arguments: [
    (".bashrc", ".bashrc"), (".ssh/authorized_keys", ".ssh"), ("sub/.profile", ".profile"),
    ("a/b/.git/hooks/pre-commit", ".git"), ("./.vimrc", ".vimrc"), ("x/...", "..."),
  ])
  func hiddenComponentsAreNeverWrittenAndLeaveNothing(path: String, hidden: String) throws {
    let fs = try sandbox()
    try assertViolation(
      { try fs.write(path, [1]) },
      "te.fs.write: '\(path)' has a component starting with '.' ('\(hidden)'); hidden files and folders are never written"
    )
    #expect(try FileManager.default.contentsOfDirectory(atPath: outDir) == [])
  }

  @Test func aDotComponentAloneIsTheFolderItself() throws {
    let fs = try sandbox()
    #expect(throws: Never.self) { try fs.write("./plain.txt", [1]) }
    #expect(FileManager.default.contents(atPath: outDir + "/plain.txt") == Data([1]))
  }

  @Test func deepOrLongWritePathsAreRefusedBeforeAnyFolderIsMade() throws {
    let fs = try sandbox()
    try assertViolation(
      { try fs.write(String(repeating: "d/", count: 65) + "x", [1]) },
      "te.fs.write: '\(String(repeating: "d/", count: 60))...' has more than 64 components")
    #expect(throws: (any Error).self) { try fs.write(String(repeating: "a/", count: 1500) + "x", [1]) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: outDir) == [])
    #expect(throws: Never.self) { try fs.write(String(repeating: "d/", count: 63) + "x", [1]) }
  }

  @Test func anExistingFileIsReplacedOnlyWhenAParameterNamedIt() throws {
    try "old".write(toFile: outDir + "/given.csv", atomically: true, encoding: .utf8)
    try "old".write(toFile: outDir + "/other.csv", atomically: true, encoding: .utf8)
    let fs = try FileSandbox(readRoots: [runbookDir], replaceablePaths: ["given.csv"], outDir: outDir)
    #expect(throws: Never.self) { try fs.write("given.csv", Array("new".utf8)) }
    #expect(try String(contentsOfFile: outDir + "/given.csv", encoding: .utf8) == "new")
    try assertViolation(
      { try fs.write("other.csv", [1]) },
      "te.fs.write: 'other.csv' already exists; a runbook may replace only a file named by a parameter")
    #expect(throws: (any Error).self) { try fs.open("other.csv") }
    #expect(try String(contentsOfFile: outDir + "/other.csv", encoding: .utf8) == "old")
    // An absolute parameter value names the same file.
    let absolute = try FileSandbox(
      readRoots: [runbookDir], replaceablePaths: [outDir + "/other.csv"], outDir: outDir)
    #expect(throws: Never.self) { try absolute.write("other.csv", Array("new".utf8)) }
  }

  @Test func procSysDevAndTheTokenFileAreNeverRead() throws {
    try "tok".write(toFile: runbookDir + "/token", atomically: true, encoding: .utf8)
    try FileManager.default.linkItem(atPath: runbookDir + "/token", toPath: outside + "/hard")
    let fs = try FileSandbox(
      readRoots: [runbookDir], extraReadablePaths: ["/proc/self/environ", "/dev/null", outside + "/hard"],
      deniedPaths: [runbookDir + "/token"], outDir: outDir)
    try assertViolation(
      { _ = try fs.read("/proc/self/environ") },
      "te.fs.read: '/proc/self/environ' is under /proc, which is never readable")
    try assertViolation(
      { _ = try fs.read("/dev/null") }, "te.fs.read: '/dev/null' is under /dev, which is never readable")
    try assertViolation(
      { _ = try fs.read("token") }, "te.fs.read: 'token' is the API token file, which is never readable")
    try assertViolation(
      { _ = try fs.read(self.outside + "/hard") },
      "te.fs.read: '\(outside)/hard' is the API token file, which is never readable")
  }

  @Test func aDefaultIsReadableOnlyInsideTheRunbookOrOutputFolder() throws {
    try "out".write(toFile: outDir + "/made.csv", atomically: true, encoding: .utf8)
    let fs = try FileSandbox(
      readRoots: [runbookDir],
      defaultReadablePaths: [
        outside + "/param.csv", outDir + "/made.csv", "data.csv", "../outside/param.csv",
      ],
      outDir: outDir)
    #expect(try fs.read(outDir + "/made.csv") == Array("out".utf8))
    #expect(try fs.read("data.csv") == Array("a,b\n".utf8))
    try assertViolation(
      { _ = try fs.read(self.outside + "/param.csv") },
      "te.fs.read: '\(outside)/param.csv' is outside the runbook's folder and not a path parameter")
  }

  @Test func aReadLargerThanAllowedIsNotRead() throws {
    let fs = try sandbox()
    let error = try #require(throws: (any Error).self) { try fs.read("data.csv", maxBytes: 2) }
    #expect((error as? FileSandbox.ReadLimitExceeded)?.size == 4)
    #expect(try fs.read("data.csv", maxBytes: 4) == Array("a,b\n".utf8))
  }
}
