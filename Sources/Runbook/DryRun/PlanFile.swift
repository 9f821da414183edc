import AtomicFile
import Foundation

/// Reading and writing plan files (docs/plan-format.md).
public enum PlanFile {
  /// Writes `plan` to `path` atomically (``AtomicFile/replace(_:with:permissions:)``).
  public static func write(_ plan: Plan, to path: String) throws {
    let bytes = try plan.sealed().jsonBytes()
    do {
      try AtomicFile.replace(path, with: bytes)
    } catch let error as AtomicFileError {
      throw CommandFailure(.runbookError, "cannot write the plan to \(path): \(error.reason)")
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
