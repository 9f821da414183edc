#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The one way terun writes files: plans, plan state, audit logs, schedule exports and
/// runbook outputs all go through here.
///
/// ```swift
/// try AtomicFile.replace("plan.json", with: bytes)            // whole file, atomically
/// let fd = try AtomicFile.openForAppending("audit.jsonl")     // a log that grows
/// ```
///
/// Which paths may be written is not decided here (runbook outputs are checked by
/// `FileSandbox` first); this is only how a file is written.
public enum AtomicFile {
  /// Replaces (or creates) the file at `path` with `bytes`, atomically: a temporary file in
  /// the same folder is written, fsynced and renamed onto `path`. An existing file stays as it
  /// was if anything fails. The folder must exist; it may be a symlink.
  public static func replace(_ path: String, with bytes: [UInt8], permissions: mode_t = 0o644) throws {
    let output = try AtomicFileOutput(target: path, permissions: permissions, bufferSize: 1)
    try output.write(bytes)
    try output.commit()
  }

  /// Replaces (or creates) the file at `path` with what `write` writes to the temporary path it
  /// is given (for writers that take a path, such as libedit's history), atomically: the
  /// temporary file is fsynced and renamed onto `path` only when `write` returns; if it throws,
  /// `path` is untouched.
  public static func replace(
    _ path: String, permissions: mode_t = 0o644, writing write: (String) throws -> Void
  )
    throws
  {
    let output = try AtomicFileOutput(target: path, permissions: permissions)
    try write(output.temporaryPath)
    try output.commit()
  }

  /// Creates the file at `path` with `bytes`, atomically, unless it exists: returns `false`
  /// (and writes nothing) when it does. Of two processes creating the same file at once,
  /// exactly one gets `true`. The file appears complete (written to a temporary file, then
  /// hard-linked into place).
  public static func create(_ path: String, with bytes: [UInt8], permissions: mode_t = 0o644) throws -> Bool {
    let output = try AtomicFileOutput(target: path, permissions: permissions, bufferSize: 1)
    try output.write(bytes)
    let temporary = output.temporaryPath
    try output.commit(linking: true)
    defer { unlink(temporary) }
    if link(temporary, path) == 0 { return true }
    if errno == EEXIST { return false }
    throw AtomicFileError(path: path, reason: errnoText())
  }

  /// Opens `path` for appending, creating it with `permissions` (default 0600) if missing,
  /// and returns the descriptor (close-on-exec). For logs written line by line.
  public static func openForAppending(_ path: String, permissions: mode_t = 0o600) throws -> Int32 {
    let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, permissions)
    guard fd >= 0 else { throw AtomicFileError(path: path, reason: errnoText()) }
    return fd
  }

  /// The text of the current `errno`.
  public static func errnoText() -> String { String(cString: strerror(errno)) }

  /// A path's folder (`.` when it has none) and last component.
  static func split(_ path: String) -> (folder: String, name: String) {
    guard let slash = path.lastIndex(of: "/") else { return (".", path) }
    let folder = String(path[..<slash])
    return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
  }
}

/// A file could not be written; `reason` is the system's explanation.
public struct AtomicFileError: Error, CustomStringConvertible, Sendable {
  /// The file that was being written.
  public var path: String
  /// Why it failed, e.g. `No space left on device`.
  public var reason: String

  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }

  public var description: String { "cannot write \(path): \(reason)" }
}
