import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The file access a runbook gets (`te.fs.read` / `te.fs.write`): reads only under the read
/// roots (the runbook's folder) or of exact paths given as parameters; writes only under the
/// output folder, atomically (temporary file in the same folder, then rename).
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
    guard !path.isEmpty else { throw LuaSandboxViolation("te.fs.write: empty path") }
    guard !path.hasPrefix("/") else {
      throw LuaSandboxViolation(
        "te.fs.write: absolute path '\(path)' refused; write paths are relative to the output folder")
    }
    let components = path.split(separator: "/", omittingEmptySubsequences: true)
    guard !components.contains("..") else {
      throw LuaSandboxViolation("te.fs.write: '\(path)' escapes the output folder with '..'")
    }
    guard let name = components.last, name != "." else {
      throw LuaSandboxViolation("te.fs.write: '\(path)' does not name a file")
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
        if isLink { throw LuaSandboxViolation("te.fs.write: '\(path)' goes through a dangling symlink") }
        do {
          try FileManager.default.createDirectory(atPath: next, withIntermediateDirectories: false)
        } catch {
          throw LuaScriptError(
            "te.fs.write: cannot create folder for '\(path)': \(error.localizedDescription)")
        }
      }
      guard let real = FileSandbox.realPath(next), FileSandbox.isInside(real, outDir) else {
        throw LuaSandboxViolation("te.fs.write: '\(path)' leads outside the output folder through a symlink")
      }
      folder = real
    }
    let target = (folder as NSString).appendingPathComponent(String(name))
    if let attributes = try? FileManager.default.attributesOfItem(atPath: target),
      attributes[.type] as? FileAttributeType == .typeSymbolicLink
    {
      let real = FileSandbox.realPath(target)
      if real == nil || !FileSandbox.isInside(real!, outDir) {
        throw LuaSandboxViolation("te.fs.write: '\(path)' is a symlink leading outside the output folder")
      }
    }
    try FileSandbox.writeAtomically(bytes, to: target, displayPath: path)
    return target
  }

  // MARK: Helpers

  static func writeAtomically(_ bytes: [UInt8], to target: String, displayPath: String) throws {
    let folder = (target as NSString).deletingLastPathComponent
    let base = (target as NSString).lastPathComponent
    var template = Array((folder as NSString).appendingPathComponent(".\(base).tmp-XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else {
      throw LuaScriptError("te.fs.write: cannot create a temporary file for '\(displayPath)': \(errnoText())")
    }
    let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    var failure: String?
    bytes.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          failure = errnoText()
          return
        }
        offset += n
      }
    }
    if failure == nil, fsync(fd) != 0 { failure = errnoText() }
    fchmod(fd, 0o644)
    close(fd)
    if failure == nil, rename(temporary, target) != 0 { failure = errnoText() }
    if let failure {
      unlink(temporary)
      throw LuaScriptError("te.fs.write: cannot write '\(displayPath)': \(failure)")
    }
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
