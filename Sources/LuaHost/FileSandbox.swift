import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The file access a runbook gets (`te.fs.read` / `te.fs.write` / `te.fs.open`): reads only
/// under the read roots (the runbook's folder) or of exact paths given as parameters; writes
/// only under the output folder, atomically (temporary file in the same folder, then rename).
///
/// Rules that hold whatever was granted:
/// - Hidden files and folders (a component starting with `.`) under the runbook's folder or
///   the output folder are read only when the user named them (a runbook kept in a home
///   folder cannot read `~/.ssh` or `~/.aws` through it, nor name them as a default).
/// - `/proc`, `/sys` and `/dev` are never read, nor the denied files (the API token file),
///   recognised by real path and by device and inode (a hard link or a bind mount is the same
///   file), nor anything but regular files.
/// - No write goes through a path component that starts with `.` (shell start-up files,
///   `.ssh`, `.git/hooks`, editor configurations), as given or once symlinks are resolved.
/// - A write may replace an existing file only when its path came from a parameter, or when
///   this sandbox created the file; creating new files is free.
/// - Write paths have at most ``maxWriteDepth`` components and ``maxWritePathBytes`` bytes.
/// - A refused write leaves nothing behind: every check passes before a folder is created.
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
  /// Absolute write targets (real folder, then file name) that may replace an existing file.
  public let replaceablePaths: Set<String>
  /// Files never readable, by real path and by device and inode.
  let deniedFiles: [FileIdentity]
  /// Files this sandbox created: a run may replace its own output.
  let ledger = CreatedFiles()

  /// Folders no read may enter, whatever was granted.
  public static let forbiddenReadRoots = ["/proc", "/sys", "/dev"]
  /// The most components a write path may have (folders and file).
  public static let maxWriteDepth = 64
  /// The longest write path, in bytes.
  public static let maxWritePathBytes = 1024
  /// The longest name of one folder or file in a write path, in bytes (the file system's 255,
  /// less room for the temporary file's prefix and suffix).
  public static let maxWriteNameBytes = 200

  /// Makes a file sandbox. Paths are made absolute against the current folder and resolved
  /// (symlinks followed) now; `outDir` must exist.
  ///
  /// - `extraReadablePaths`: files the user granted (path parameters given on the command line).
  /// - `defaultReadablePaths`: files a runbook's defaults name; readable only if they resolve
  ///   inside a read root or the output folder (relative ones are taken from the first read root).
  /// - `deniedPaths`: files never readable (the token file).
  /// - `replaceablePaths`: write paths (relative to `outDir`, or absolute) that may replace an
  ///   existing file: the values of the runbook's parameters.
  public init(
    readRoots: [String], extraReadablePaths: [String] = [], defaultReadablePaths: [String] = [],
    deniedPaths: [String] = [], replaceablePaths: [String] = [], outDir: String
  ) throws {
    let roots = readRoots.map { FileSandbox.realPath($0) ?? FileSandbox.absolute($0) }
    self.readRoots = roots
    guard let out = FileSandbox.realPath(outDir) else {
      throw LuaScriptError("output folder '\(outDir)' does not exist")
    }
    self.outDir = out
    var readable = Set(extraReadablePaths.compactMap { FileSandbox.realPath($0) })
    for path in defaultReadablePaths {
      let anchored =
        path.hasPrefix("/")
        ? path : (roots.first.map { ($0 as NSString).appendingPathComponent(path) } ?? path)
      if let real = FileSandbox.realPath(anchored),
        let root = (roots + [out]).first(where: { FileSandbox.isInside(real, $0) }),
        FileSandbox.hiddenName(of: real, under: root) == nil
      {
        readable.insert(real)
      }
    }
    self.extraReadablePaths = readable
    self.deniedFiles = deniedPaths.compactMap(FileIdentity.init(path:))
    self.replaceablePaths = Set(
      replaceablePaths.filter { !$0.isEmpty }.map { value in
        FileSandbox.realParent(value.hasPrefix("/") ? value : (out as NSString).appendingPathComponent(value))
      })
  }

  /// Reads a file the runbook may read. With `maxBytes`, a file larger than that is not read:
  /// ``ReadLimitExceeded`` is thrown.
  public func read(_ path: String, maxBytes: Int? = nil) throws -> [UInt8] {
    let real = try resolveReadPath(path)
    // Open without blocking (a FIFO), then check what was opened: the same file by device and
    // inode as a denied one is refused, and only regular files are read.
    let fd = Glibc.open(real, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
    guard fd >= 0 else {
      throw LuaScriptError("te.fs.read: cannot read '\(path)': \(FileSandbox.errnoText())")
    }
    defer { Glibc.close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      throw LuaScriptError("te.fs.read: cannot read '\(path)': \(FileSandbox.errnoText())")
    }
    if deniedFiles.contains(where: { $0.device == UInt64(info.st_dev) && $0.inode == UInt64(info.st_ino) }) {
      throw LuaSandboxViolation("te.fs.read: '\(path)' is the API token file, which is never readable")
    }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      throw LuaScriptError("te.fs.read: cannot read '\(path)': not a regular file")
    }
    let size = Int(info.st_size)
    if let maxBytes, size > maxBytes { throw ReadLimitExceeded(path: path, size: size) }
    var bytes = [UInt8](repeating: 0, count: size)
    var count = 0
    while count < size {
      let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, size - count) }
      if n < 0 {
        if errno == EINTR || errno == EAGAIN { continue }
        throw LuaScriptError("te.fs.read: cannot read '\(path)': \(FileSandbox.errnoText())")
      }
      if n == 0 { break }
      count += n
    }
    bytes.removeLast(size - count)
    return bytes
  }

  /// The real path of a file the runbook may read, with every rule of ``read(_:maxBytes:)``
  /// but the regular-file check (the token file is refused by path and by device and inode, as
  /// the path resolves now; `read` checks the file it opened again). Throws
  /// `LuaSandboxViolation` for a path the runbook may not read, `LuaScriptError` for a
  /// missing file.
  public func resolveReadPath(_ path: String) throws -> String {
    let candidate =
      path.hasPrefix("/")
      ? path : (readRoots.first.map { ($0 as NSString).appendingPathComponent(path) } ?? path)
    let exact = FileSandbox.realPath(FileSandbox.absolute(path))
    let real: String
    if let exact, extraReadablePaths.contains(exact) {
      real = exact
    } else if let resolved = FileSandbox.realPath(candidate) {
      if !extraReadablePaths.contains(resolved) {
        guard let root = readRoots.first(where: { FileSandbox.isInside(resolved, $0) }) else {
          throw LuaSandboxViolation(
            "te.fs.read: '\(path)' is outside the runbook's folder and not a path parameter")
        }
        // A runbook kept in a home folder must not read ~/.ssh or ~/.aws through it.
        if let hidden = FileSandbox.hiddenName(of: resolved, under: root) {
          throw LuaSandboxViolation(
            "te.fs.read: '\(path)' has a component starting with '.' ('\(hidden)'); hidden files and folders are read only when a parameter names them"
          )
        }
      }
      real = resolved
    } else {
      if path.hasPrefix("/"), !readRoots.contains(where: { FileSandbox.isInside(path, $0) }) {
        throw LuaSandboxViolation(
          "te.fs.read: '\(path)' is outside the runbook's folder and not a path parameter")
      }
      throw LuaScriptError("te.fs.read: cannot read '\(path)': no such file")
    }
    if let root = FileSandbox.forbiddenReadRoots.first(where: { FileSandbox.isInside(real, $0) }) {
      throw LuaSandboxViolation("te.fs.read: '\(path)' is under \(root), which is never readable")
    }
    var info = stat()
    if deniedFiles.contains(where: { $0.path == real })
      || (stat(real, &info) == 0
        && deniedFiles.contains(where: { $0.device == UInt64(info.st_dev) && $0.inode == UInt64(info.st_ino) }
        ))
    {
      throw LuaSandboxViolation("te.fs.read: '\(path)' is the API token file, which is never readable")
    }
    return real
  }

  /// A file larger than the bytes a read may use (the memory cap left).
  public struct ReadLimitExceeded: Error, Sendable {
    /// The path as the runbook gave it.
    public var path: String
    /// The file's size in bytes.
    public var size: Int
  }

  /// Writes a file under the output folder atomically; creates missing folders under it.
  /// Returns the absolute path written.
  @discardableResult
  public func write(_ path: String, _ bytes: [UInt8]) throws -> String {
    let (target, created) = try prepareWrite(path, functionName: "te.fs.write")
    do {
      try FileSandbox.writeAtomically(bytes, to: target, displayPath: path)
    } catch {
      FileSandbox.removeFolders(created)
      throw error
    }
    return target
  }

  /// Opens a file under the output folder for streaming, atomic writing (`te.fs.open`): the
  /// path gets exactly the checks of `write` (and missing folders are created) now; the bytes
  /// go to a temporary file beside the target that `close()` renames onto it.
  public func open(_ path: String, bufferSize: Int = AtomicFileWriter.defaultBufferSize) throws
    -> AtomicFileWriter
  {
    let (target, created) = try prepareWrite(path, functionName: "te.fs.open")
    do {
      return try AtomicFileWriter(
        target: target, displayPath: path, functionName: "te.fs.open", bufferSize: bufferSize)
    } catch {
      FileSandbox.removeFolders(created)
      throw error
    }
  }

  /// Resolves a write path to the absolute path of its target under the output folder, then
  /// creates the missing folders. Refuses (`LuaSandboxViolation`, messages starting with
  /// `functionName`) empty and absolute paths, `..`, components starting with `.`, paths too
  /// deep or too long, symlinks (folders or the file itself) that lead outside the output
  /// folder or to a hidden name, and the replacement of an existing file that no parameter
  /// named. Every check runs before the first folder is created.
  public func resolveWritePath(_ path: String, functionName: String) throws -> String {
    try prepareWrite(path, functionName: functionName).target
  }

  /// ``resolveWritePath(_:functionName:)``, also returning the folders it created (in order),
  /// which a write that then fails removes: a failed write leaves nothing behind either.
  func prepareWrite(_ path: String, functionName: String) throws -> (target: String, created: [String]) {
    let name = functionName
    guard !path.isEmpty else { throw LuaSandboxViolation("\(name): empty path") }
    guard !path.hasPrefix("/") else {
      throw LuaSandboxViolation(
        "\(name): absolute path '\(path)' refused; write paths are relative to the output folder")
    }
    let shown = path.utf8.count > 120 ? String(path.prefix(120)) + "..." : path
    guard path.utf8.count <= Self.maxWritePathBytes else {
      throw LuaSandboxViolation(
        "\(name): '\(shown)' is longer than \(Self.maxWritePathBytes) bytes")
    }
    let components = path.split(separator: "/", omittingEmptySubsequences: true)
    guard !components.contains("..") else {
      throw LuaSandboxViolation("\(name): '\(shown)' escapes the output folder with '..'")
    }
    guard let fileName = components.last, fileName != "." else {
      throw LuaSandboxViolation("\(name): '\(shown)' does not name a file")
    }
    let parts = components.filter { $0 != "." }
    if let hidden = parts.first(where: { $0.hasPrefix(".") }) {
      throw LuaSandboxViolation(
        "\(name): '\(shown)' has a component starting with '.' ('\(hidden)'); hidden files and folders are never written"
      )
    }
    guard parts.count <= Self.maxWriteDepth else {
      throw LuaSandboxViolation(
        "\(name): '\(shown)' has more than \(Self.maxWriteDepth) components")
    }
    // The temporary file beside the target has a longer name than the target itself.
    if let long = parts.first(where: { $0.utf8.count > Self.maxWriteNameBytes }) {
      throw LuaSandboxViolation(
        "\(name): '\(shown)' has a name longer than \(Self.maxWriteNameBytes) bytes ('\(long.prefix(40))...')"
      )
    }
    // Walk the folders that exist (each real path must stay inside, with no hidden name);
    // the first missing one and all after it are created once every check has passed.
    var folder = outDir
    var missing: [String] = []
    for part in parts.dropLast() {
      let next = (folder as NSString).appendingPathComponent(String(part))
      if !missing.isEmpty {
        missing.append(next)
        folder = next
        continue
      }
      var info = stat()
      if lstat(next, &info) != 0 {
        missing.append(next)
        folder = next
        continue
      }
      guard let real = FileSandbox.realPath(next) else {
        throw LuaSandboxViolation("\(name): '\(shown)' goes through a dangling symlink")
      }
      guard FileSandbox.isInside(real, outDir) else {
        throw LuaSandboxViolation("\(name): '\(shown)' leads outside the output folder through a symlink")
      }
      try checkNoHiddenName(real, path: shown, name: name)
      folder = real
    }
    let target = (folder as NSString).appendingPathComponent(String(fileName))
    var info = stat()
    if missing.isEmpty, lstat(target, &info) == 0 {
      if (info.st_mode & S_IFMT) == S_IFLNK {
        guard let real = FileSandbox.realPath(target), FileSandbox.isInside(real, outDir) else {
          throw LuaSandboxViolation("\(name): '\(shown)' is a symlink leading outside the output folder")
        }
        try checkNoHiddenName(real, path: shown, name: name)
      }
      if FileSandbox.realPath(target) != nil, !replaceablePaths.contains(target), !ledger.contains(target) {
        throw LuaSandboxViolation(
          "\(name): '\(shown)' already exists; a runbook may replace only a file named by a parameter")
      }
    }
    try createFolders(missing, path: shown, name: name)
    ledger.insert(target)
    return (target, missing)
  }

  /// Refuses a real path under the output folder with a component starting with `.`.
  private func checkNoHiddenName(_ real: String, path: String, name: String) throws {
    let relative = real.dropFirst(outDir.count).split(separator: "/")
    if let hidden = relative.first(where: { $0.hasPrefix(".") }) {
      throw LuaSandboxViolation(
        "\(name): '\(path)' leads to a hidden name ('\(hidden)') through a symlink; hidden files and folders are never written"
      )
    }
  }

  /// Creates `folders` in order; on a failure removes the ones it created.
  private func createFolders(_ folders: [String], path: String, name: String) throws {
    var created: [String] = []
    for folder in folders {
      if mkdir(folder, 0o755) != 0 {
        let reason = FileSandbox.errnoText()
        FileSandbox.removeFolders(created)
        throw LuaScriptError("\(name): cannot create folder for '\(path)': \(reason)")
      }
      created.append(folder)
    }
  }

  // MARK: Helpers

  /// Removes `folders` (created in this order, each inside the one before) if they are empty.
  static func removeFolders(_ folders: [String]) {
    for folder in folders.reversed() { rmdir(folder) }
  }

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

  /// The real path of `path`'s folder (when it exists) joined with its last component.
  static func realParent(_ path: String) -> String {
    let full = absolute(path)
    let folder = (full as NSString).deletingLastPathComponent
    return ((realPath(folder) ?? folder) as NSString).appendingPathComponent(
      (full as NSString).lastPathComponent)
  }

  /// The first component of `path` below `root` that starts with `.` (a hidden file or
  /// folder), if any.
  static func hiddenName(of path: String, under root: String) -> Substring? {
    path.dropFirst(root.count).split(separator: "/").first { $0.hasPrefix(".") }
  }

  /// Whether `path` is `folder` or lies under it (both absolute, compared as text).
  public static func isInside(_ path: String, _ folder: String) -> Bool {
    path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
  }
}

/// A file recognised by its real path and by its device and inode.
struct FileIdentity: Sendable {
  let path: String
  let device: UInt64
  let inode: UInt64

  init?(path: String) {
    var info = stat()
    guard let real = FileSandbox.realPath(path), stat(real, &info) == 0 else { return nil }
    self.path = real
    self.device = UInt64(info.st_dev)
    self.inode = UInt64(info.st_ino)
  }
}

/// The targets a sandbox has written or opened: a run may replace its own files.
final class CreatedFiles: @unchecked Sendable {
  private let lock = NSLock()
  private var paths: Set<String> = []

  func contains(_ path: String) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    return paths.contains(path)
  }

  func insert(_ path: String) {
    lock.lock()
    defer { lock.unlock() }
    paths.insert(path)
  }
}
