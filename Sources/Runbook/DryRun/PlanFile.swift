import Foundation

/// Reading and writing plan files (docs/plan-format.md).
public enum PlanFile {
  /// Writes `plan` to `path` atomically (a temporary file beside it, then a rename).
  public static func write(_ plan: Plan, to path: String) throws {
    let bytes = try plan.jsonBytes()
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent().appendingPathComponent(
      ".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
    do {
      try Data(bytes).write(to: temporary)
      if FileManager.default.fileExists(atPath: url.path) {
        _ = try FileManager.default.replaceItemAt(url, withItemAt: temporary)
      } else {
        try FileManager.default.moveItem(at: temporary, to: url)
      }
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw CommandFailure(.runbookError, "cannot write the plan to \(path): \(error.localizedDescription)")
    }
  }

  /// Reads the plan at `path`; a missing or malformed file is a usage error (exit 2).
  public static func read(_ path: String) throws -> Plan {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw CommandFailure(.usage, "cannot read the plan file \(path)")
    }
    do {
      return try Plan.decode(Array(data))
    } catch let error as PlanFileError {
      throw CommandFailure(.usage, "\(path): \(error.description)")
    }
  }
}
