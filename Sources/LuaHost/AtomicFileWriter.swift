import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A file written atomically, in pieces: bytes go to a temporary file beside the target
/// (`.NAME.tmp-XXXXXX`, made with `mkstemp`), buffered; `close()` flushes, fsyncs, makes the
/// file 0644 and renames it onto the target. Until then the target is untouched; `abort()`,
/// a failed write, or dropping an open writer removes the temporary file.
///
/// Not thread-safe: use it on one thread (the run's Lua thread). `te.fs.write` is one
/// `write` and a `close`; `te.fs.open` hands the writer to the runbook.
public final class AtomicFileWriter {
  /// Where a writer is in its life.
  public enum Status: Equatable, Sendable {
    /// Accepting writes.
    case open
    /// Closed: the file is in place.
    case committed
    /// Aborted (explicitly, or dropped open): nothing was written.
    case aborted
    /// A write, fsync or rename failed: the temporary file is gone, nothing was written.
    case failed
  }

  /// Bytes buffered before they are written to the temporary file.
  public static let defaultBufferSize = 64 * 1024

  /// The absolute path the file lands on at `close()`.
  public let target: String
  /// The path as the runbook gave it (for messages).
  public let displayPath: String
  /// The Lua function named in messages (`te.fs.write`, `te.fs.open`).
  public let functionName: String
  /// The temporary file's path.
  public let temporaryPath: String
  /// Where the writer is.
  public private(set) var status: Status = .open
  /// Bytes accepted so far (buffered or written).
  public private(set) var byteCount = 0

  private var descriptor: Int32
  private var buffer: [UInt8] = []
  private let bufferSize: Int

  /// Creates the temporary file beside `target` (whose folder must exist).
  public convenience init(
    target: String, displayPath: String, functionName: String,
    bufferSize: Int = AtomicFileWriter.defaultBufferSize
  ) throws {
    let folder = (target as NSString).deletingLastPathComponent
    let base = (target as NSString).lastPathComponent
    var template = Array((folder as NSString).appendingPathComponent(".\(base).tmp-XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else {
      throw LuaScriptError(
        "\(functionName): cannot create a temporary file for '\(displayPath)': \(FileSandbox.errnoText())")
    }
    self.init(
      target: target, displayPath: displayPath, functionName: functionName, bufferSize: bufferSize,
      descriptor: fd, temporaryPath: template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
  }

  /// A writer over an open descriptor whose file is `temporaryPath` (tests use `/dev/full`).
  init(
    target: String, displayPath: String, functionName: String, bufferSize: Int, descriptor: Int32,
    temporaryPath: String
  ) {
    self.target = target
    self.displayPath = displayPath
    self.functionName = functionName
    self.bufferSize = max(1, bufferSize)
    self.descriptor = descriptor
    self.temporaryPath = temporaryPath
    buffer.reserveCapacity(self.bufferSize)
  }

  deinit { abort() }

  /// Appends bytes. Throws if the writer is not open, or if writing to the temporary file
  /// fails (the writer is then failed and its temporary file removed).
  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    try requireOpen(for: "write")
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

  /// Flushes, fsyncs, sets mode 0644 and renames the file onto the target. Closing a
  /// committed writer again does nothing; closing an aborted or failed one throws.
  public func close() throws {
    switch status {
    case .committed: return
    case .aborted, .failed: try requireOpen(for: "close")
    case .open: break
    }
    try flush()
    if fsync(descriptor) != 0 { try fail(FileSandbox.errnoText()) }
    fchmod(descriptor, 0o644)
    if Glibc.close(descriptor) != 0 {
      descriptor = -1
      try fail(FileSandbox.errnoText())
    }
    descriptor = -1
    if rename(temporaryPath, target) != 0 { try fail(FileSandbox.errnoText()) }
    status = .committed
    buffer = []
  }

  /// Discards everything: the temporary file is removed, the target untouched. Does nothing
  /// unless the writer is open.
  public func abort() {
    guard status == .open else { return }
    discard()
    status = .aborted
  }

  /// Throws the error for `operation` (`write`, `close`) unless the writer is open.
  public func requireOpen(for operation: String) throws {
    switch status {
    case .open: return
    case .committed:
      throw LuaScriptError("\(functionName)('\(displayPath)'): \(operation) after close")
    case .aborted:
      throw LuaScriptError("\(functionName)('\(displayPath)'): \(operation) after abort; nothing was written")
    case .failed:
      throw LuaScriptError(
        "\(functionName)('\(displayPath)'): \(operation) after a failed write; nothing was written")
    }
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
      let n = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
      if n < 0 {
        if errno == EINTR { continue }
        try fail(FileSandbox.errnoText())
      }
      offset += n
    }
  }

  /// Removes the temporary file, marks the writer failed and throws the write error.
  private func fail(_ reason: String) throws -> Never {
    discard()
    status = .failed
    throw LuaScriptError("\(functionName): cannot write '\(displayPath)': \(reason)")
  }

  private func discard() {
    if descriptor >= 0 {
      Glibc.close(descriptor)
      descriptor = -1
    }
    unlink(temporaryPath)
    buffer = []
  }
}
