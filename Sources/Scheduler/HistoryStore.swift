import Foundation
import GRDB

/// The run history: a SQLite database (`<state>/history.sqlite`) shared by the daemon and
/// `terun schedule run/history`. Safe to use from several threads and processes (WAL mode).
public final class HistoryStore: Sendable {
  /// The database file.
  public let path: String
  private let pool: DatabasePool

  /// Opens (creating and migrating if needed) the history at `path`.
  public init(path: String) throws {
    self.path = path
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    var configuration = Configuration()
    configuration.busyMode = .timeout(10)
    pool = try DatabasePool(path: path, configuration: configuration)
    // Two processes opening a new history at once (the daemon and `schedule run`, or `logs`)
    // can race to migrate it; the loser finds the tables made and tries again.
    var attempt = 0
    while true {
      do {
        try HistoryStore.migrator.migrate(pool)
        break
      } catch {
        attempt += 1
        if attempt >= 5 { throw error }
        Thread.sleep(forTimeInterval: 0.05 * Double(attempt))
      }
    }
  }

  /// The schema, one migration per change; never edit a shipped migration.
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1-runs") { db in
      try db.create(table: "run") { table in
        table.autoIncrementedPrimaryKey("id")
        table.column("job", .text).notNull().indexed()
        table.column("trigger", .text).notNull()
        table.column("scheduled_for", .datetime)
        table.column("start", .datetime).notNull()
        table.column("end", .datetime)
        table.column("exit_code", .integer)
        table.column("status", .text).notNull()
        table.column("plan_summary", .text)
        table.column("log_path", .text)
        table.column("detail", .text)
      }
    }
    migrator.registerMigration("v2-attempts-outputs-retention") { db in
      try db.alter(table: "run") { table in
        table.add(column: "attempt", .integer).notNull().defaults(to: 1)
        table.add(column: "out_dir", .text)
        table.add(column: "pruned_at", .datetime)
      }
    }
    return migrator
  }

  /// The run with id `id`, if any.
  public func run(id: Int64) throws -> RunRecord? {
    try pool.read { db in try RunRecord.fetchOne(db, key: id) }
  }

  /// Finished runs of `job` whose files retention should delete: beyond the `keep` latest, or
  /// started before `cutoff`. Runs already pruned, running, or without files are left out.
  public func runsToPrune(job: String, keep: Int?, startedBefore cutoff: Date?) throws -> [RunRecord] {
    guard keep != nil || cutoff != nil else { return [] }
    let finished = try pool.read { db in
      try RunRecord.filter(Column("job") == job && Column("status") != RunStatus.running.rawValue)
        .order(Column("start").desc, Column("id").desc).fetchAll(db)
    }
    var withFiles = 0
    var result: [RunRecord] = []
    for record in finished where record.prunedAt == nil && (record.logPath != nil || record.outDir != nil) {
      withFiles += 1
      if let keep, withFiles > keep {
        result.append(record)
      } else if let cutoff, record.start < cutoff {
        result.append(record)
      }
    }
    return result
  }

  /// Inserts `record` and returns it with its id.
  @discardableResult
  public func insert(_ record: RunRecord) throws -> RunRecord {
    var copy = record
    try pool.write { db in try copy.insert(db) }
    return copy
  }

  /// Saves a changed record (by id).
  public func update(_ record: RunRecord) throws {
    try pool.write { db in try record.update(db) }
  }

  /// Past runs, newest first, of one job or all.
  public func runs(job: String? = nil, limit: Int? = nil) throws -> [RunRecord] {
    try pool.read { db in
      var request = RunRecord.order(Column("start").desc, Column("id").desc)
      if let job { request = request.filter(Column("job") == job) }
      if let limit { request = request.limit(limit) }
      return try request.fetchAll(db)
    }
  }

  /// The latest schedule slot recorded for `job` (the later of its scheduled time and start),
  /// used to find runs missed while the daemon was down.
  public func lastSlot(job: String) throws -> Date? {
    try pool.read { db in
      let row = try Row.fetchOne(
        db,
        sql: """
          SELECT MAX(COALESCE(scheduled_for, start)) AS slot FROM run
          WHERE job = ? AND trigger != 'manual'
          """,
        arguments: [job])
      guard let row, let slot: Date = row["slot"] else { return nil }
      return slot
    }
  }

  /// Marks runs left `running` by a scheduler that died as interrupted; returns how many.
  @discardableResult
  public func closeAbandonedRuns(at date: Date) throws -> Int {
    try pool.write { db in
      try db.execute(
        sql:
          "UPDATE run SET status = 'interrupted', \"end\" = ?, detail = ? WHERE status = 'running' AND trigger != 'manual'",
        arguments: [date, "the scheduler stopped while the run was going"])
      return db.changesCount
    }
  }
}
