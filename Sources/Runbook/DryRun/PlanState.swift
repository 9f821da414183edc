import AtomicFile
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What apply has done with one plan, kept in `TERUN_STATE_DIR/plans/<digest>.json`: a plan
/// is applied once (a second apply is refused), and after a failure `--resume` continues from
/// the first write not applied, with the values earlier responses gave.
public struct PlanRecord: Codable, Equatable, Sendable {
  /// Where apply got.
  public enum Status: String, Codable, Sendable {
    /// Apply is running (or was killed while running).
    case applying
    /// A write failed; `applied` lists those done.
    case partial
    /// Every write was applied.
    case applied
  }

  /// The plan's digest.
  public var plan: String
  /// The runbook the plan came from.
  public var runbook: String
  /// Where apply got.
  public var status: Status
  /// The indexes of the writes applied, in order.
  public var applied: [Int]
  /// The placeholder values earlier responses gave (`~known-after-apply-1.uid~` → `"5001"`).
  public var values: [String: PlanJSON]
  /// The write that failed last, if any, and why.
  public var failedWrite: Int?
  public var failure: String?
  /// When apply started and when the record was last written (ISO 8601, UTC).
  public var startedAt: String
  public var updatedAt: String

  /// A fresh record for `plan`.
  public init(plan: String, runbook: String, now: Date = Date()) {
    self.plan = plan
    self.runbook = runbook
    self.status = .applying
    self.applied = []
    self.values = [:]
    let time = ISO8601DateFormatter().string(from: now)
    self.startedAt = time
    self.updatedAt = time
  }

  /// `writes 1, 2 and 3 of 5` / `no write of 5`.
  public func appliedText(of total: Int) -> String {
    PlanRecord.list(applied, total: total)
  }

  static func list(_ indexes: [Int], total: Int) -> String {
    guard !indexes.isEmpty else { return "no write of \(total)" }
    let words = indexes.map(String.init)
    let joined =
      words.count == 1 ? words[0] : words.dropLast().joined(separator: ", ") + " and " + words.last!
    return (indexes.count == 1 ? "write " : "writes ") + joined + " of \(total)"
  }
}

/// The folder of plan records (`TERUN_STATE_DIR/plans`), created (0700) on first write.
public struct PlanStateStore: Sendable {
  /// The folder.
  public let folder: String

  /// The store under the state folder `stateDirectory`.
  public init(stateDirectory: String) {
    folder = (stateDirectory as NSString).appendingPathComponent("plans")
  }

  /// The record of the plan with `digest`, or `nil` when it was never applied.
  public func record(for digest: String) throws -> PlanRecord? {
    let path = self.path(for: digest)
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    do {
      return try JSONDecoder().decode(PlanRecord.self, from: data)
    } catch {
      throw CommandFailure(.runbookError, "the apply state \(path) is unreadable: \(error)")
    }
  }

  /// Saves `record` (atomically).
  public func save(_ record: PlanRecord) throws {
    _ = try write(record, exclusively: false)
  }

  /// Saves the first record of a plan; `false` when the plan already has one (another apply
  /// got there first, even at the same moment).
  public func claim(_ record: PlanRecord) throws -> Bool {
    try write(record, exclusively: true)
  }

  private func write(_ record: PlanRecord, exclusively: Bool) throws -> Bool {
    var record = record
    record.updatedAt = ISO8601DateFormatter().string(from: Date())
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    do {
      try FileManager.default.createDirectory(
        atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      let bytes = Array(try encoder.encode(record))
      if exclusively {
        return try AtomicFile.create(path(for: record.plan), with: bytes, permissions: 0o600)
      }
      try AtomicFile.replace(path(for: record.plan), with: bytes, permissions: 0o600)
      return true
    } catch let error as AtomicFileError {
      throw CommandFailure(.runbookError, "cannot record the apply state: \(error)")
    } catch {
      throw CommandFailure(
        .runbookError, "cannot record the apply state in \(folder): \(error.localizedDescription)")
    }
  }

  /// Removes the record of the plan with `digest` (an apply that sent nothing).
  public func remove(_ digest: String) throws {
    let path = self.path(for: digest)
    guard unlink(path) == 0 || errno == ENOENT else {
      throw CommandFailure(.runbookError, "cannot update the apply state \(path): \(AtomicFile.errnoText())")
    }
  }

  /// Takes the plan's apply lock (`plans/<digest>.lock`, an `flock` the system drops when the
  /// process ends, even killed), or throws (exit 5) when another terun holds it: two applies
  /// of one plan, `--resume` or not, never run at the same time.
  public func lock(_ digest: String) throws -> PlanLock {
    let path = (folder as NSString).appendingPathComponent(digest + ".lock")
    do {
      try FileManager.default.createDirectory(
        atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
      throw CommandFailure(
        .runbookError, "cannot record the apply state in \(folder): \(error.localizedDescription)")
    }
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
    guard fd >= 0 else {
      throw CommandFailure(.runbookError, "cannot lock the apply state \(path): \(AtomicFile.errnoText())")
    }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      let busy = errno == EWOULDBLOCK
      let reason = AtomicFile.errnoText()
      close(fd)
      if busy {
        throw CommandFailure(
          .planDrift,
          "the plan is being applied by another terun right now (it holds \(path)). A plan is applied "
            + "once: nothing was sent. Wait for it to finish, then check with terun apply PLAN.")
      }
      throw CommandFailure(.runbookError, "cannot lock the apply state \(path): \(reason)")
    }
    return PlanLock(descriptor: fd)
  }

  /// The record's file.
  public func path(for digest: String) -> String {
    (folder as NSString).appendingPathComponent(digest + ".json")
  }
}

/// A held apply lock (see ``PlanStateStore/lock(_:)``); released by ``release()`` or when
/// the process ends.
public final class PlanLock: @unchecked Sendable {
  private var descriptor: Int32

  init(descriptor: Int32) {
    self.descriptor = descriptor
  }

  /// Releases the lock.
  public func release() {
    guard descriptor >= 0 else { return }
    flock(descriptor, LOCK_UN)
    close(descriptor)
    descriptor = -1
  }

  deinit { release() }
}
