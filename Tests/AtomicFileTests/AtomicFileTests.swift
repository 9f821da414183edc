import AtomicFile
import Foundation
import Testing

@Suite final class AtomicFileTests {
  private let folder: String

  init() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID())").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  }

  deinit {
    try? FileManager.default.removeItem(atPath: folder)
  }

  private func contents(_ path: String) -> String? {
    FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
  }

  private func listing(_ path: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: path).sorted()
  }

  @Test func createsAFile() throws {
    let path = folder + "/plan.json"
    try AtomicFile.replace(path, with: Array("one".utf8))
    #expect(contents(path) == "one")
    #expect(try listing(folder) == ["plan.json"])
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(mode == 0o644)
  }

  @Test func replacesAnExistingFileAgainAndAgain() throws {
    let path = folder + "/plan.json"
    for round in 1...5 {
      try AtomicFile.replace(path, with: Array("round \(round)".utf8))
      #expect(contents(path) == "round \(round)")
      #expect(try listing(folder) == ["plan.json"], "no temporary file is left")
    }
  }

  @Test func writesThroughAFolderThatIsASymlink() throws {
    let real = folder + "/real"
    try FileManager.default.createDirectory(atPath: real, withIntermediateDirectories: true)
    let link = folder + "/link"
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
    try AtomicFile.replace(link + "/plan.json", with: Array("first".utf8))
    try AtomicFile.replace(link + "/plan.json", with: Array("second".utf8))
    #expect(contents(real + "/plan.json") == "second")
    #expect(try listing(real) == ["plan.json"])
    let type = try FileManager.default.attributesOfItem(atPath: link)[.type] as? FileAttributeType
    #expect(type == .typeSymbolicLink, "the folder link is left as it was")
  }

  @Test func aFailedReplaceKeepsTheOldFileAndLeavesNoTemporaryFile() throws {
    let path = folder + "/busy"
    try FileManager.default.createDirectory(atPath: path + "/inside", withIntermediateDirectories: true)
    let error = try #require(throws: (any Error).self) {
      try AtomicFile.replace(path, with: Array("x".utf8))
    }
    let failure = error as? AtomicFileError
    #expect(failure?.path == path)
    #expect(failure?.reason == "Is a directory")
    #expect(try listing(folder) == ["busy"])
    #expect(try listing(path) == ["inside"])
  }

  @Test func aMissingFolderIsReported() throws {
    let error = try #require(throws: (any Error).self) {
      try AtomicFile.replace(folder + "/none/plan.json", with: [])
    }
    #expect(
      (error as? AtomicFileError)?.description
        == "cannot write \(self.folder)/none/plan.json: No such file or directory")
  }

  @Test func createWritesOnlyWhenTheFileDoesNotExist() throws {
    let path = folder + "/record.json"
    #expect(try AtomicFile.create(path, with: Array("first".utf8), permissions: 0o600))
    #expect(try !AtomicFile.create(path, with: Array("second".utf8)))
    #expect(contents(path) == "first")
    #expect(try listing(folder) == ["record.json"], "no temporary file is left")
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
  }

  @Test func ofManyConcurrentCreatesExactlyOneWins() throws {
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
    #expect(count == 1)
    #expect(try listing(folder) == ["claim.json"])
  }

  @Test func aPathWriterReplacesOnlyWhenItSucceeds() throws {
    let path = folder + "/history"
    try AtomicFile.replace(path, permissions: 0o600) { temporary in
      try Data("one\n".utf8).write(to: URL(fileURLWithPath: temporary))
    }
    #expect(contents(path) == "one\n")
    struct Failed: Error {}
    #expect(throws: (any Error).self) {
      try AtomicFile.replace(path) { temporary in
        try Data("partial".utf8).write(to: URL(fileURLWithPath: temporary))
        throw Failed()
      }
    }
    #expect(contents(path) == "one\n", "the old file is kept")
    #expect(try listing(folder) == ["history"], "no temporary file is left")
  }

  @Test func appendingCreatesThenAppends() throws {
    let path = folder + "/audit.jsonl"
    for line in ["a\n", "b\n"] {
      let fd = try AtomicFile.openForAppending(path)
      _ = line.withCString { write(fd, $0, strlen($0)) }
      close(fd)
    }
    #expect(contents(path) == "a\nb\n")
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
  }
}
