#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file written atomically, in pieces: bytes go to a temporary file beside the target
/// (`.NAME.tmp-XXXXXX`, made with `mkstemp`), buffered; `commit()` flushes, fsyncs, sets the
/// file's mode and renames it onto the target. Until then the target is untouched; `abort()`,
/// a failed write, or dropping an open output removes the temporary file.
///
/// The target's folder may be a symlink (the temporary file and the rename go through it, so
/// both land in the real folder, on one file system). An existing target is replaced in one
/// `rename`: readers see the old file or the new one, never a missing or partial file.
///
/// Not thread-safe: use one output on one thread.
public final class AtomicFileOutput {
  /// Where an output is in its life.
  public enum Status: Equatable, Sendable {
    /// Accepting writes.
    case open
    /// Committed: the file is in place.
    case committed
    /// Aborted (explicitly, or dropped open): nothing was written.
    case aborted
    /// A write, fsync or rename failed: the temporary file is gone, nothing was written.
    case failed
  }

  /// Bytes buffered before they are written to the temporary file.
  public static let defaultBufferSize = 64 * 1024

  /// The path the file lands on at `commit()`.
  public let target: String
  /// The temporary file's path.
  public let temporaryPath: String
  /// Where the output is.
  public private(set) var status: Status = .open
  /// Bytes accepted so far (buffered or written).
  public private(set) var byteCount = 0

  private var descriptor: Int32
  private var buffer: [UInt8] = []
  private let bufferSize: Int
  private let permissions: mode_t

  /// Creates the temporary file beside `target` (whose folder must exist). The committed file
  /// gets `permissions` (default 0644).
  public convenience init(
    target: String, permissions: mode_t = 0o644, bufferSize: Int = AtomicFileOutput.defaultBufferSize
  ) throws {
    let (folder, base) = AtomicFile.split(target)
    var template = Array("\(folder)/.\(base).tmp-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else {
      throw AtomicFileError(path: target, reason: AtomicFile.errnoText())
    }
    self.init(
      target: target, descriptor: fd,
      temporaryPath: template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) },
      permissions: permissions, bufferSize: bufferSize)
  }

  /// An output over an open descriptor whose file is `temporaryPath` (tests use `/dev/full`).
  public init(
    target: String, descriptor: Int32, temporaryPath: String, permissions: mode_t = 0o644,
    bufferSize: Int = AtomicFileOutput.defaultBufferSize
  ) {
    self.target = target
    self.descriptor = descriptor
    self.temporaryPath = temporaryPath
    self.permissions = permissions
    self.bufferSize = max(1, bufferSize)
    buffer.reserveCapacity(self.bufferSize)
  }

  deinit { abort() }

  /// Appends bytes. Throws ``AtomicFileError`` if writing to the temporary file fails (the
  /// output is then failed and its temporary file removed). The caller checks `status` first.
  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    precondition(status == .open, "write on an output that is not open")
    byteCount += bytes.count
    if buffer.count + bytes.count <= bufferSize {
      buffer.append(contentsOf: bytes)
      return
    }
    try flush()
    if bytes.count >= bufferSize {
      try writeOut(bytes)
    } else {
      buffer.append(contentsOf: bytes)
    }
  }

  /// Appends bytes.
  public func write(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try write($0) }
  }

  /// Flushes, fsyncs, sets the mode and renames the file onto the target. Committing a
  /// committed output again does nothing.
  public func commit() throws {
    try commit(linking: false)
  }

  /// Commits; with `linking`, the temporary file is only made complete and left in place for
  /// the caller to link (``AtomicFile/create(_:with:permissions:)``), and not renamed.
  func commit(linking: Bool) throws {
    if status == .committed { return }
    precondition(status == .open, "commit on an output that is not open")
    try flush()
    if fsync(descriptor) != 0 { try fail(AtomicFile.errnoText()) }
    fchmod(descriptor, permissions)
    #if canImport(Glibc)
      let closed = Glibc.close(descriptor)
    #else
      let closed = Darwin.close(descriptor)
    #endif
    descriptor = -1
    if closed != 0 { try fail(AtomicFile.errnoText()) }
    if !linking, rename(temporaryPath, target) != 0 { try fail(AtomicFile.errnoText()) }
    status = .committed
    buffer = []
  }

  /// Discards everything: the temporary file is removed, the target untouched. Does nothing
  /// unless the output is open.
  public func abort() {
    guard status == .open else { return }
    discard()
    status = .aborted
  }

  // MARK: Private

  private func flush() throws {
    guard !buffer.isEmpty else { return }
    try buffer.withUnsafeBytes { try writeOut($0) }
    buffer.removeAll(keepingCapacity: true)
  }

  private func writeOut(_ bytes: UnsafeRawBufferPointer) throws {
    var offset = 0
    while offset < bytes.count {
      #if canImport(Glibc)
        let n = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
      #else
        let n = Darwin.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
      #endif
      if n < 0 {
        if errno == EINTR { continue }
        try fail(AtomicFile.errnoText())
      }
      offset += n
    }
  }

  /// Removes the temporary file, marks the output failed and throws the write error.
  private func fail(_ reason: String) throws -> Never {
    discard()
    status = .failed
    throw AtomicFileError(path: target, reason: reason)
  }

  private func discard() {
    if descriptor >= 0 {
      #if canImport(Glibc)
        _ = Glibc.close(descriptor)
      #else
        _ = Darwin.close(descriptor)
      #endif
      descriptor = -1
    }
    unlink(temporaryPath)
    buffer = []
  }
}
