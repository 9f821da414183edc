import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The file access a runbook gets (`te.fs.read` / `te.fs.write` / `te.fs.open`): reads only
/// under the read roots (the runbook's folder) or of exact paths given as parameters; writes
/// only under the output folder, atomically (temporary file in the same folder, then rename).
///
/// Refusals throw `LuaSandboxViolation` (stopping the run: exit 3); I/O failures of allowed
/// paths throw `LuaScriptError`. Relative read paths are resolved against the first read
/// root; write paths must be relative and are resolved against `outDir`.
public struct FileSandbox: Sendable {
  /// Folders whose files may be read (real paths).
  public let readRoots: [String]
  /// Single files that may be read (real paths), e.g. `path` parameters.
  public let extraReadablePaths: Set<String>
  /// The output folder (real path).
  public let outDir: String

  /// Makes a file sandbox. Paths are made absolute against the current folder and resolved
  /// (symlinks followed) now; `outDir` must exist.
  public init(readRoots: [String], extraReadablePaths: [String] = [], outDir: String) throws {
    self.readRoots = readRoots.map { FileSandbox.realPath($0) ?? FileSandbox.absolute($0) }
    self.extraReadablePaths = Set(extraReadablePaths.compactMap { FileSandbox.realPath($0) })
    guard let out = FileSandbox.realPath(outDir) else {
      throw LuaScriptError("output folder '\(outDir)' does not exist")
    }
    self.outDir = out
  }

  /// Reads a file the runbook may read.
  public func read(_ path: String) throws -> [UInt8] {
    let candidate =
      path.hasPrefix("/")
      ? path : (readRoots.first.map { ($0 as NSString).appendingPathComponent(path) } ?? path)
    let exact = FileSandbox.realPath(FileSandbox.absolute(path))
    let real: String
    if let exact, extraReadablePaths.contains(exact) {
      real = exact
    } else if let resolved = FileSandbox.realPath(candidate) {
      guard
        readRoots.contains(where: { FileSandbox.isInside(resolved, $0) })
          || extraReadablePaths.contains(resolved)
      else {
        throw LuaSandboxViolation(
          "te.fs.read: '\(path)' is outside the runbook's folder and not a path parameter")
      }
      real = resolved
    } else {
      if path.hasPrefix("/"), !readRoots.contains(where: { FileSandbox.isInside(path, $0) }) {
        throw LuaSandboxViolation(
          "te.fs.read: '\(path)' is outside the runbook's folder and not a path parameter")
      }
      throw LuaScriptError("te.fs.read: cannot read '\(path)': no such file")
    }
    guard let data = FileManager.default.contents(atPath: real) else {
      throw LuaScriptError("te.fs.read: cannot read '\(path)'")
    }
    return [UInt8](data)
  }

  /// Writes a file under the output folder atomically; creates missing folders under it.
  /// Returns the absolute path written.
  @discardableResult
  public func write(_ path: String, _ bytes: [UInt8]) throws -> String {
    let target = try resolveWritePath(path, functionName: "te.fs.write")
    try FileSandbox.writeAtomically(bytes, to: target, displayPath: path)
    return target
  }

  /// Opens a file under the output folder for streaming, atomic writing (`te.fs.open`): the
  /// path gets exactly the checks of `write` (and missing folders are created) now; the bytes
  /// go to a temporary file beside the target that `close()` renames onto it.
  public func open(_ path: String, bufferSize: Int = AtomicFileWriter.defaultBufferSize) throws
    -> AtomicFileWriter
  {
    let target = try resolveWritePath(path, functionName: "te.fs.open")
    return try AtomicFileWriter(
      target: target, displayPath: path, functionName: "te.fs.open", bufferSize: bufferSize)
  }

  /// Resolves a write path to the absolute path of its target under the output folder,
  /// creating missing folders on the way. Refuses (`LuaSandboxViolation`, messages starting
  /// with `functionName`) empty and absolute paths, `..`, and symlinks (folders or the file
  /// itself) that lead outside the output folder.
  public func resolveWritePath(_ path: String, functionName: String) throws -> String {
    let name = functionName
    guard !path.isEmpty else { throw LuaSandboxViolation("\(name): empty path") }
    guard !path.hasPrefix("/") else {
      throw LuaSandboxViolation(
        "\(name): absolute path '\(path)' refused; write paths are relative to the output folder")
    }
    let components = path.split(separator: "/", omittingEmptySubsequences: true)
    guard !components.contains("..") else {
      throw LuaSandboxViolation("\(name): '\(path)' escapes the output folder with '..'")
    }
    guard let fileName = components.last, fileName != "." else {
      throw LuaSandboxViolation("\(name): '\(path)' does not name a file")
    }
    // Walk the folders, creating missing ones, and check each real path stays inside.
    var folder = outDir
    for part in components.dropLast() where part != "." {
      let next = (folder as NSString).appendingPathComponent(String(part))
      if FileSandbox.realPath(next) == nil {
        var isLink = false
        if let attributes = try? FileManager.default.attributesOfItem(atPath: next),
          attributes[.type] as? FileAttributeType == .typeSymbolicLink
        {
          isLink = true
        }
        if isLink { throw LuaSandboxViolation("\(name): '\(path)' goes through a dangling symlink") }
        do {
          try FileManager.default.createDirectory(atPath: next, withIntermediateDirectories: false)
        } catch {
          throw LuaScriptError(
            "\(name): cannot create folder for '\(path)': \(error.localizedDescription)")
        }
      }
      guard let real = FileSandbox.realPath(next), FileSandbox.isInside(real, outDir) else {
        throw LuaSandboxViolation("\(name): '\(path)' leads outside the output folder through a symlink")
      }
      folder = real
    }
    let target = (folder as NSString).appendingPathComponent(String(fileName))
    if let attributes = try? FileManager.default.attributesOfItem(atPath: target),
      attributes[.type] as? FileAttributeType == .typeSymbolicLink
    {
      let real = FileSandbox.realPath(target)
      if real == nil || !FileSandbox.isInside(real!, outDir) {
        throw LuaSandboxViolation("\(name): '\(path)' is a symlink leading outside the output folder")
      }
    }
    return target
  }

  // MARK: Helpers

  /// Writes `bytes` to `target` atomically (one `AtomicFileWriter` write and close).
  static func writeAtomically(_ bytes: [UInt8], to target: String, displayPath: String) throws {
    let writer = try AtomicFileWriter(
      target: target, displayPath: displayPath, functionName: "te.fs.write", bufferSize: 1)
    try writer.write(bytes)
    try writer.close()
  }

  static func errnoText() -> String { String(cString: strerror(errno)) }

  static func absolute(_ path: String) -> String {
    let full =
      path.hasPrefix("/")
      ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    return (full as NSString).standardizingPath
  }

  /// The real path (symlinks resolved), or nil if it does not exist.
  static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(absolute(path), nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  static func isInside(_ path: String, _ folder: String) -> Bool {
    path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
  }
}
