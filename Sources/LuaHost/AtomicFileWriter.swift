import AtomicFile
import Foundation

/// A runbook's file written atomically, in pieces (`te.fs.write`, `te.fs.open`): an
/// ``AtomicFileOutput`` (temporary file beside the target, renamed onto it at `close()`) whose
/// failures read as Lua errors naming the function and the path as the runbook gave it.
///
/// Not thread-safe: use it on one thread (the run's Lua thread). `te.fs.write` is one
/// `write` and a `close`; `te.fs.open` hands the writer to the runbook.
public final class AtomicFileWriter {
  /// Where a writer is in its life.
  public typealias Status = AtomicFileOutput.Status

  /// Bytes buffered before they are written to the temporary file.
  public static let defaultBufferSize = AtomicFileOutput.defaultBufferSize

  /// The absolute path the file lands on at `close()`.
  public var target: String { output.target }
  /// The path as the runbook gave it (for messages).
  public let displayPath: String
  /// The Lua function named in messages (`te.fs.write`, `te.fs.open`).
  public let functionName: String
  /// The temporary file's path.
  public var temporaryPath: String { output.temporaryPath }
  /// Where the writer is.
  public var status: Status { output.status }
  /// Bytes accepted so far (buffered or written).
  public var byteCount: Int { output.byteCount }

  private let output: AtomicFileOutput

  /// Creates the temporary file beside `target` (whose folder must exist).
  public init(
    target: String, displayPath: String, functionName: String,
    bufferSize: Int = AtomicFileWriter.defaultBufferSize
  ) throws {
    self.displayPath = displayPath
    self.functionName = functionName
    do {
      output = try AtomicFileOutput(target: target, bufferSize: bufferSize)
    } catch let error as AtomicFileError {
      throw LuaScriptError(
        "\(functionName): cannot create a temporary file for '\(displayPath)': \(error.reason)")
    }
  }

  /// A writer over an open descriptor whose file is `temporaryPath` (tests use `/dev/full`).
  init(
    target: String, displayPath: String, functionName: String, bufferSize: Int, descriptor: Int32,
    temporaryPath: String
  ) {
    self.displayPath = displayPath
    self.functionName = functionName
    output = AtomicFileOutput(
      target: target, descriptor: descriptor, temporaryPath: temporaryPath, bufferSize: bufferSize)
  }

  /// Appends bytes. Throws if the writer is not open, or if writing to the temporary file
  /// fails (the writer is then failed and its temporary file removed).
  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    try requireOpen(for: "write")
    try lua { try output.write(bytes) }
  }

  /// Appends bytes.
  public func write(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try write($0) }
  }

  /// Flushes, fsyncs, sets mode 0644 and renames the file onto the target. Closing a
  /// committed writer again does nothing; closing an aborted or failed one throws.
  public func close() throws {
    if status == .committed { return }
    try requireOpen(for: "close")
    try lua { try output.commit() }
  }

  /// Discards everything: the temporary file is removed, the target untouched. Does nothing
  /// unless the writer is open.
  public func abort() {
    output.abort()
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

  /// Runs `work`, turning a file error into the Lua error that names the function and path.
  private func lua(_ work: () throws -> Void) throws {
    do {
      try work()
    } catch let error as AtomicFileError {
      throw LuaScriptError("\(functionName): cannot write '\(displayPath)': \(error.reason)")
    }
  }
}
