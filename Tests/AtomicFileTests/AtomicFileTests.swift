import AtomicFile
import Foundation
import XCTest

final class AtomicFileTests: XCTestCase {
  private var folder = ""

  override func setUpWithError() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID())").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(atPath: folder)
  }

  private func contents(_ path: String) -> String? {
    FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
  }

  private func listing(_ path: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: path).sorted()
  }

  func testCreatesAFile() throws {
    let path = folder + "/plan.json"
    try AtomicFile.replace(path, with: Array("one".utf8))
    XCTAssertEqual(contents(path), "one")
    XCTAssertEqual(try listing(folder), ["plan.json"])
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    XCTAssertEqual(mode, 0o644)
  }

  func testReplacesAnExistingFileAgainAndAgain() throws {
    let path = folder + "/plan.json"
    for round in 1...5 {
      try AtomicFile.replace(path, with: Array("round \(round)".utf8))
      XCTAssertEqual(contents(path), "round \(round)")
      XCTAssertEqual(try listing(folder), ["plan.json"], "no temporary file is left")
    }
  }

  func testWritesThroughAFolderThatIsASymlink() throws {
    let real = folder + "/real"
    try FileManager.default.createDirectory(atPath: real, withIntermediateDirectories: true)
    let link = folder + "/link"
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
    try AtomicFile.replace(link + "/plan.json", with: Array("first".utf8))
    try AtomicFile.replace(link + "/plan.json", with: Array("second".utf8))
    XCTAssertEqual(contents(real + "/plan.json"), "second")
    XCTAssertEqual(try listing(real), ["plan.json"])
    let type = try FileManager.default.attributesOfItem(atPath: link)[.type] as? FileAttributeType
    XCTAssertEqual(type, .typeSymbolicLink, "the folder link is left as it was")
  }

  func testAFailedReplaceKeepsTheOldFileAndLeavesNoTemporaryFile() throws {
    let path = folder + "/busy"
    try FileManager.default.createDirectory(atPath: path + "/inside", withIntermediateDirectories: true)
    XCTAssertThrowsError(try AtomicFile.replace(path, with: Array("x".utf8))) { error in
      let failure = error as? AtomicFileError
      XCTAssertEqual(failure?.path, path)
      XCTAssertEqual(failure?.reason, "Is a directory")
    }
    XCTAssertEqual(try listing(folder), ["busy"])
    XCTAssertEqual(try listing(path), ["inside"])
  }

  func testAMissingFolderIsReported() throws {
    XCTAssertThrowsError(try AtomicFile.replace(folder + "/none/plan.json", with: [])) { error in
      XCTAssertEqual(
        (error as? AtomicFileError)?.description,
        "cannot write \(self.folder)/none/plan.json: No such file or directory")
    }
  }

  func testCreateWritesOnlyWhenTheFileDoesNotExist() throws {
    let path = folder + "/record.json"
    XCTAssertTrue(try AtomicFile.create(path, with: Array("first".utf8), permissions: 0o600))
    XCTAssertFalse(try AtomicFile.create(path, with: Array("second".utf8)))
    XCTAssertEqual(contents(path), "first")
    XCTAssertEqual(try listing(folder), ["record.json"], "no temporary file is left")
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    XCTAssertEqual(mode, 0o600)
  }

  func testOfManyConcurrentCreatesExactlyOneWins() throws {
    let path = folder + "/claim.json"
    let wins = NSLock()
    nonisolated(unsafe) var count = 0
    DispatchQueue.concurrentPerform(iterations: 16) { index in
      if (try? AtomicFile.create(path, with: Array("\(index)".utf8))) == true {
        wins.lock()
        count += 1
        wins.unlock()
      }
    }
    XCTAssertEqual(count, 1)
    XCTAssertEqual(try listing(folder), ["claim.json"])
  }

  func testAPathWriterReplacesOnlyWhenItSucceeds() throws {
    let path = folder + "/history"
    try AtomicFile.replace(path, permissions: 0o600) { temporary in
      try Data("one\n".utf8).write(to: URL(fileURLWithPath: temporary))
    }
    XCTAssertEqual(contents(path), "one\n")
    struct Failed: Error {}
    XCTAssertThrowsError(
      try AtomicFile.replace(path) { temporary in
        try Data("partial".utf8).write(to: URL(fileURLWithPath: temporary))
        throw Failed()
      })
    XCTAssertEqual(contents(path), "one\n", "the old file is kept")
    XCTAssertEqual(try listing(folder), ["history"], "no temporary file is left")
  }

  func testAppendingCreatesThenAppends() throws {
    let path = folder + "/audit.jsonl"
    for line in ["a\n", "b\n"] {
      let fd = try AtomicFile.openForAppending(path)
      _ = line.withCString { write(fd, $0, strlen($0)) }
      close(fd)
    }
    XCTAssertEqual(contents(path), "a\nb\n")
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    XCTAssertEqual(mode, 0o600)
  }
}
