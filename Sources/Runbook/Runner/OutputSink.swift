import Foundation

/// Where a run's output goes: `print` to a buffered stdout, `te.log` and diagnostics to stderr.
///
/// Stdout is buffered and flushed when the buffer fills, before anything is written to stderr (so
/// the two streams interleave in the order they were produced), and at the end of the run.
/// Thread-safe.
public final class OutputSink: @unchecked Sendable {
  private let lock = NSLock()
  private var buffer: [UInt8] = []
  private let stdoutDescriptor: Int32
  private let stderrDescriptor: Int32
  private let flushThreshold = 64 * 1024

  /// Creates a sink writing to the given file descriptors (the process's stdout and stderr by default).
  public init(stdout: Int32 = 1, stderr: Int32 = 2) {
    self.stdoutDescriptor = stdout
    self.stderrDescriptor = stderr
  }

  /// Appends bytes to stdout, flushing when the buffer is full.
  public func writeOutput(_ bytes: [UInt8]) {
    lock.lock()
    defer { lock.unlock() }
    buffer.append(contentsOf: bytes)
    if buffer.count >= flushThreshold { flushLocked() }
  }

  /// Appends bytes to stdout without copying a large chunk: one of at least the buffer's
  /// size is written straight through (after what is buffered), so printing a big string
  /// costs no host memory beyond the Lua string itself.
  public func writeOutput(_ bytes: UnsafeRawBufferPointer) {
    lock.lock()
    defer { lock.unlock() }
    if bytes.count >= flushThreshold {
      flushLocked()
      writeAll(bytes, to: stdoutDescriptor)
      return
    }
    buffer.append(contentsOf: bytes)
    if buffer.count >= flushThreshold { flushLocked() }
  }

  /// Writes a line to stderr, after flushing stdout.
  public func writeDiagnostic(_ line: String) {
    lock.lock()
    defer { lock.unlock() }
    flushLocked()
    var bytes = Array(line.utf8)
    if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
    writeAll(bytes, to: stderrDescriptor)
  }

  /// Writes any buffered stdout.
  public func flush() {
    lock.lock()
    defer { lock.unlock() }
    flushLocked()
  }

  private func flushLocked() {
    guard !buffer.isEmpty else { return }
    writeAll(buffer, to: stdoutDescriptor)
    buffer.removeAll(keepingCapacity: true)
  }

  private func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
    bytes.withUnsafeBytes { writeAll($0, to: descriptor) }
  }

  private func writeAll(_ raw: UnsafeRawBufferPointer, to descriptor: Int32) {
    guard let base = raw.baseAddress else { return }
    var offset = 0
    while offset < raw.count {
      let written = write(descriptor, base + offset, raw.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        return  // a closed pipe: nothing more can be said
      }
      offset += written
    }
  }
}

/// The level of a `te.log` message.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
  case debug = 0
  case info = 1
  case warn = 2
  case error = 3

  /// The label printed on each line ("INFO").
  public var label: String {
    switch self {
    case .debug: return "DEBUG"
    case .info: return "INFO"
    case .warn: return "WARN"
    case .error: return "ERROR"
    }
  }

  public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Writes `te.log` lines to stderr with their time and level, dropping those below `threshold`.
public struct RunLogger: Sendable {
  /// The lowest level written: `.debug` with `-v`, `.warn` with `--quiet`, else `.info`.
  public let threshold: LogLevel
  private let sink: OutputSink

  /// Creates a logger writing through `sink`.
  public init(sink: OutputSink, threshold: LogLevel) {
    self.sink = sink
    self.threshold = threshold
  }

  /// Whether a message at `level` would be written.
  public func isEnabled(_ level: LogLevel) -> Bool { level >= threshold }

  /// Writes `message` at `level`: `2026-11-27T03:50:16.123Z INFO  message`.
  public func log(_ level: LogLevel, _ message: String) {
    guard isEnabled(level) else { return }
    let label = level.label.padding(toLength: 5, withPad: " ", startingAt: 0)
    sink.writeDiagnostic("\(Self.timestamp()) \(label) \(message)")
  }

  static func timestamp(_ date: Date = Date()) -> String {
    let seconds = date.timeIntervalSince1970
    var time = time_t(seconds.rounded(.down))
    var parts = tm()
    gmtime_r(&time, &parts)
    let millis = Int((seconds - seconds.rounded(.down)) * 1000)
    return String(
      format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
  }
}
