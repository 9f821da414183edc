import Foundation

/// Runs the built `terun` binary as a subprocess and captures what it prints.
struct TerunProcess {
  /// What one run printed and how it ended.
  struct Result {
    let status: Int32
    let stdout: String
    let stderr: String
    /// The run was still going after the `deadline` given to `run` and was killed.
    var timedOut = false
  }

  /// The package root, found from this file's path.
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// The `terun` binary: `$TERUN_BIN` if set, else the one in the build folder beside the tests.
  static func binary() throws -> URL {
    if let path = ProcessInfo.processInfo.environment["TERUN_BIN"], !path.isEmpty {
      return URL(fileURLWithPath: path)
    }
    // On Linux the test runner is `<bin>/terunPackageTests.xctest`; on macOS it sits in a bundle.
    var folder = Bundle.main.bundleURL
    for _ in 0..<4 {
      let candidate = folder.appendingPathComponent("terun")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      folder = folder.deletingLastPathComponent()
    }
    throw CocoaError(
      .fileNoSuchFile,
      userInfo: [
        NSLocalizedDescriptionKey: "terun binary not found near \(Bundle.main.bundleURL.path); set TERUN_BIN"
      ])
  }

  /// Runs `terun arguments` in `directory` with `environment` added to the current one. With a
  /// `deadline` (seconds), a run still going then is killed and reported as `timedOut`.
  static func run(
    _ arguments: [String], in directory: URL = packageRoot, environment: [String: String] = [:],
    deadline: Double? = nil
  ) throws -> Result {
    let process = Process()
    process.executableURL = try binary()
    process.arguments = arguments
    process.currentDirectoryURL = directory
    var env = ProcessInfo.processInfo.environment
    env["TERUN_PATH"] = nil
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let stdoutFile = FileManager.default.temporaryDirectory.appendingPathComponent("terun-out-\(UUID())")
    let stderrFile = FileManager.default.temporaryDirectory.appendingPathComponent("terun-err-\(UUID())")
    FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
    FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
    defer {
      try? FileManager.default.removeItem(at: stdoutFile)
      try? FileManager.default.removeItem(at: stderrFile)
    }
    let stdoutHandle = try FileHandle(forWritingTo: stdoutFile)
    let stderrHandle = try FileHandle(forWritingTo: stderrFile)
    process.standardOutput = stdoutHandle
    process.standardError = stderrHandle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    var timedOut = false
    if let deadline {
      let end = Date(timeIntervalSinceNow: deadline)
      while process.isRunning && Date() < end { usleep(20_000) }
      if process.isRunning {
        timedOut = true
        kill(process.processIdentifier, SIGKILL)
      }
    }
    process.waitUntilExit()
    try stdoutHandle.close()
    try stderrHandle.close()
    return Result(
      status: process.terminationStatus,
      stdout: String(decoding: try Data(contentsOf: stdoutFile), as: UTF8.self),
      stderr: String(decoding: try Data(contentsOf: stderrFile), as: UTF8.self), timedOut: timedOut)
  }
}

/// A scratch folder removed when the value is dropped.
final class ScratchFolder {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("terun-e2e-\(UUID())")
      .resolvingSymlinksInPath()
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  /// Writes `text` to `name` (creating folders) and returns its URL.
  @discardableResult
  func write(_ name: String, _ text: String) throws -> URL {
    let file = url.appendingPathComponent(name)
    try FileManager.default.createDirectory(
      at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: file)
    return file
  }

  /// Every path under the folder, relative to it, sorted (symlinks are not followed).
  func listing() -> [String] {
    var paths: [String] = []
    let enumerator = FileManager.default.enumerator(atPath: url.path)
    while let relative = enumerator?.nextObject() as? String { paths.append(relative) }
    return paths.sorted()
  }
}
