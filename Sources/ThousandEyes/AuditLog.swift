import AtomicFile
import Foundation

/// Appends one JSON line per request attempt to a file (`--audit FILE`).
///
/// A line holds `time` (ISO 8601, UTC), `method`, `path`, `query`, `status` (`null` when no
/// response arrived), `duration_ms`, `attempt`, `bytes` (response body) and, for a network
/// failure, `error`. Headers are never written, so the token never is either.
public final class AuditLog: @unchecked Sendable {
  /// One audit record.
  public struct Entry: Sendable {
    public var time: Date
    public var method: HTTPMethodName
    public var path: String
    public var query: String
    public var status: Int?
    public var durationMilliseconds: Double
    public var attempt: Int
    public var bytes: Int
    public var error: String?
  }

  private let descriptor: Int32
  private let lock = NSLock()

  /// Opens (creating, mode 0600) `path` for appending.
  public init(path: String) throws {
    do {
      descriptor = try AtomicFile.openForAppending(path, permissions: 0o600)
    } catch let error as AtomicFileError {
      throw AuditLogError(path: path, reason: error.reason)
    }
  }

  deinit {
    close(descriptor)
  }

  /// Writes one line; write failures are ignored (an audit file must not stop a run).
  public func append(_ entry: Entry) {
    var line = "{\"time\":\"\(Self.timestamp(entry.time))\""
    line += ",\"method\":\"\(entry.method.rawValue)\""
    line += ",\"path\":\(Self.jsonString(entry.path))"
    line += ",\"query\":\(Self.jsonString(entry.query))"
    line += ",\"status\":\(entry.status.map(String.init) ?? "null")"
    line += ",\"duration_ms\":\((entry.durationMilliseconds * 10).rounded() / 10)"
    line += ",\"attempt\":\(entry.attempt)"
    line += ",\"bytes\":\(entry.bytes)"
    if let error = entry.error { line += ",\"error\":\(Self.jsonString(error))" }
    line += "}\n"
    let bytes = Array(line.utf8)
    lock.lock()
    defer { lock.unlock() }
    bytes.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if written <= 0 { return }
        offset += written
      }
    }
  }

  static func timestamp(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: date)
  }

  static func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          out += String(format: "\\u%04x", scalar.value)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}

/// The audit file cannot be opened.
public struct AuditLogError: Error, CustomStringConvertible {
  public var path: String
  public var reason: String
  public var description: String { "cannot open the audit file \(path): \(reason)" }
}
