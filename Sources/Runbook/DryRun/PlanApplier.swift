import Foundation
import ThousandEyes

/// Applies a saved plan with the ThousandEyes client: writes in order, placeholders resolved
/// from earlier responses, and each object re-read before its update or delete.
///
/// Before sending anything it checks the whole plan (``PlanConsistency``, exit 2), then, unless
/// `force`: that the plan is unedited (its digest) and made from the runbook as it is now, that
/// it is younger than `maxAge`, and that it was not applied before (exit 5). It re-reads every
/// object the plan updates or deletes, and every collection a create could duplicate (see
/// ``NaturalKey``); it re-reads each again just before its write. When one differs from the
/// plan it stops with ``PlanDriftError`` (exit 5) and sends nothing further, unless `force`.
///
/// With a state store, progress is recorded after every write; `resume` continues a plan that
/// stopped part-way from its first write not applied, and never sends an applied write again.
public struct PlanApplier {
  /// What was done to one write.
  public struct Step: Sendable, Equatable {
    /// The write, with placeholders resolved.
    public var write: PlannedWrite
    /// The HTTP status of its response.
    public var status: Int
  }

  /// The checks and bookkeeping of one apply.
  public struct Options: Sendable {
    /// Apply even when objects drifted, the plan or runbook changed, the plan is old, or it
    /// was applied before.
    public var force = false
    /// Continue a plan that stopped part-way (needs `state`).
    public var resume = false
    /// Where applied plans are recorded; `nil`: no single-use check (the REPL's session plans).
    public var state: PlanStateStore?
    /// Plans older than this are refused; `nil`: no limit.
    public var maxAge: TimeInterval?
    /// The runbook's source as it is now, when it can be found; `nil`: not checked.
    public var runbookSource: [UInt8]?
    /// The time apply compares the plan's age with.
    public var now = Date()

    public init() {}
  }

  private let client: ThousandEyesClient
  private let options: Options
  private let report: (String) -> Void

  /// Creates an applier sending through `client`; `report` receives one line per write done.
  public init(client: ThousandEyesClient, force: Bool = false, report: @escaping (String) -> Void = { _ in })
  {
    var options = Options()
    options.force = force
    self.init(client: client, options: options, report: report)
  }

  /// Creates an applier with `options`.
  public init(client: ThousandEyesClient, options: Options, report: @escaping (String) -> Void = { _ in }) {
    self.client = client
    self.options = options
    self.report = report
  }

  private var force: Bool { options.force }

  /// Applies `plan` and returns what was done by this apply, in order.
  @discardableResult
  public func apply(_ plan: Plan) async throws -> [Step] {
    try PlanConsistency.check(plan)
    let digest = try checkProvenance(plan)
    let lock = try options.state?.lock(digest)
    defer { lock?.release() }
    let (started, isNew) = try startRecord(plan, digest: digest)
    var record = started
    let done = Set(record?.applied ?? [])
    var values = record?.values ?? [:]
    let pending = plan.writes.filter { !done.contains($0.index) }
    for write in plan.writes where done.contains(write.index) {
      report("= write \(write.index) of \(plan.writes.count) was applied earlier; not sent again")
    }
    // Before anything is sent: every object and collection the pending writes rely on.
    do {
      for write in pending {
        guard let resolved = try? Self.resolve(write, values),
          let operation = Catalog.operation(id: write.operationId),
          PlanConsistency.pathProblem(resolved.path, for: operation) == nil
        else { continue }  // checked again, and refused, at its turn
        if write.snapshot != nil { try await checkDrift(write, resolved: resolved, plan: plan) }
        if write.naturalKey != nil { try await checkNaturalKey(write, resolved: resolved, created: values) }
      }
    } catch {
      // Nothing was sent: a plan refused here was not applied, not even partly.
      if isNew, let state = options.state { try? state.remove(digest) }
      throw error
    }
    if let state = options.state, var current = record {
      current.status = .applying
      try state.save(current)
      record = current
    }
    var steps: [Step] = []
    for write in pending {
      do {
        let resolved: PlannedWrite
        do {
          resolved = try Self.resolve(write, values)
        } catch {
          throw ApplyError(write: write, done: steps.count, total: plan.writes.count, underlying: error)
        }
        // A value an earlier response gave goes into the path only as a plain identifier.
        if let operation = Catalog.operation(id: write.operationId),
          let problem = PlanConsistency.pathProblem(resolved.path, for: operation)
        {
          throw ApplyError(
            write: write, done: steps.count, total: plan.writes.count,
            underlying: PlanInconsistencyError(write: write.index, reason: "its resolved path \(problem)"))
        }
        if write.snapshot != nil {
          try await checkDrift(write, resolved: resolved, plan: plan)
        }
        if write.naturalKey != nil {
          try await checkNaturalKey(write, resolved: resolved, created: values)
        }
        guard let method = HTTPMethodName(name: resolved.method), method != .get,
          let operation = Catalog.operation(id: write.operationId)
        else {
          throw PlanFileError.malformed("write \(write.index) has method '\(resolved.method)', not a write")
        }
        let problems = BodyValidator.problems(resolved.body, for: operation)
        if !problems.isEmpty {
          throw BodyValidationError(
            method: resolved.method, path: resolved.path, operationId: operation.id, problems: problems,
            write: write.index)
        }
        let request = APIRequest(
          method, resolved.path, query: resolved.query.map { ($0.name, $0.value) },
          body: resolved.body.map { $0.encoded() })
        let response: APIResponse
        do {
          response = try await client.send(request)
        } catch {
          throw ApplyError(write: resolved, done: steps.count, total: plan.writes.count, underlying: error)
        }
        if !write.produces.isEmpty {
          // A value the response lacks stays unresolved; a later write that needs it stops apply.
          let object = try? PlanJSON.decode(response.body)
          for record in write.produces {
            if let value = object?[record.field], value != .null { values[record.token] = value }
          }
        }
        steps.append(Step(write: resolved, status: response.status))
        report(Self.describe(resolved, status: response.status, values: values))
        if let state = options.state, var current = record {
          current.applied.append(write.index)
          current.values = values
          record = current  // sent: counted as applied even if recording it fails
          try state.save(current)
        }
      } catch {
        guard let state = options.state, var current = record else { throw error }
        current.status = .partial
        current.failedWrite = write.index
        current.failure = (error as? any TerunFailure)?.message ?? String(describing: error)
        var stopped = ApplyStopped(
          underlying: error, applied: current.applied, total: plan.writes.count, failedWrite: write.index,
          statePath: state.path(for: current.plan))
        do {
          try state.save(current)
        } catch let failure {
          stopped.unrecorded = (failure as? any TerunFailure)?.message ?? String(describing: failure)
        }
        throw stopped
      }
    }
    if let state = options.state, var current = record {
      current.status = .applied
      current.failedWrite = nil
      current.failure = nil
      try state.save(current)
    }
    return steps
  }

  // MARK: Checks before anything is sent

  /// Checks that the plan is as it was made, from the runbook as it is, and young enough.
  /// Returns the plan's digest.
  private func checkProvenance(_ plan: Plan) throws -> String {
    let digest = try plan.computedDigest()
    var reasons: [String] = []
    if let recorded = plan.digest, recorded != digest {
      reasons.append("the plan file was edited after it was made (its content no longer matches its digest)")
    } else if plan.digest == nil, options.state != nil {
      reasons.append("the plan has no digest, so edits to it cannot be detected")
    }
    if let source = options.runbookSource, PlanHash.sha256(source) != plan.runbook.sha256 {
      reasons.append(
        "the runbook \(plan.runbook.name) changed since the plan was made "
          + "(sha256 \(plan.runbook.sha256.prefix(12))… then, \(PlanHash.sha256(source).prefix(12))… now)")
    }
    if let maxAge = options.maxAge {
      guard let created = plan.creationDate else {
        throw PlanFileError.malformed("'createdAt' is not an ISO 8601 time: \(plan.createdAt)")
      }
      let age = options.now.timeIntervalSince(created)
      if age < -Self.clockSkew {
        reasons.append(
          "the plan says it was made at \(plan.createdAt), \(Self.duration(-age)) in the future; "
            + "its age cannot be known (a clock is wrong, or the plan was edited)")
      } else if age > maxAge {
        reasons.append(
          "the plan was made \(Self.duration(age)) ago (\(plan.createdAt)), more than --max-plan-age "
            + "\(Self.duration(maxAge)); objects may have changed since")
      }
    }
    // Every reason at once: an edited createdAt is both an edit and an age.
    if !reasons.isEmpty { try refuse(reasons.joined(separator: "; ")) }
    return digest
  }

  /// The apply record to continue (`resume`), a fresh one, or `nil` without a state store.
  /// Refuses a plan applied before (exit 5) unless `force`.
  /// `isNew`: the record was made by this apply (nothing of the plan was applied before).
  private func startRecord(_ plan: Plan, digest: String) throws -> (record: PlanRecord?, isNew: Bool) {
    guard let state = options.state else {
      if options.resume { throw CommandFailure(.usage, "--resume needs the apply state (TERUN_STATE_DIR)") }
      return (nil, false)
    }
    let fresh = PlanRecord(plan: digest, runbook: plan.runbook.name, now: options.now)
    var existing = try state.record(for: digest)
    if existing == nil {
      if options.resume {
        throw CommandFailure(
          .usage,
          "--resume: this plan was never applied (no record in \(state.folder)); apply it without --resume")
      }
      if try state.claim(fresh) { return (fresh, true) }
      existing = try state.record(for: digest)  // another apply claimed it just now
    }
    guard let previous = existing else { return (fresh, true) }
    let total = plan.writes.count
    if options.resume {
      if previous.status == .applied {
        throw CommandFailure(
          .planDrift,
          "--resume: the plan was already applied completely (\(previous.appliedText(of: total))) on "
            + "\(previous.updatedAt); nothing to resume")
      }
      return (previous, false)
    }
    let how =
      previous.status == .applied
      ? "applied on \(previous.updatedAt) (\(previous.appliedText(of: total)))"
      : "partly applied on \(previous.updatedAt) (\(previous.appliedText(of: total)); "
        + "continue with --resume)"
    if !force {
      throw CommandFailure(
        .planDrift,
        "the plan was already \(how). A plan is applied once: applying it again would repeat its writes "
          + "(creates make duplicates). Nothing was sent. Make a new plan, or use --force.")
    }
    report("warning: the plan was already \(how); applying it again (--force)")
    try state.save(fresh)
    return (fresh, false)
  }

  /// Throws a refusal (exit 5), or with `force` reports it as a warning.
  private func refuse(_ reason: String) throws {
    if force {
      report("warning: \(reason); applying anyway (--force)")
      return
    }
    throw CommandFailure(.planDrift, "\(reason). Nothing was sent. Make a new plan, or apply with --force.")
  }

  /// How far in the future a plan's `createdAt` may be (clocks of two machines differ a little).
  static let clockSkew: TimeInterval = 300

  static func duration(_ seconds: TimeInterval) -> String {
    let total = Int(seconds.rounded())
    if total >= 86400, total % 3600 == 0 { return "\(total / 3600)h" }
    if total >= 3600 { return "\(total / 3600)h\(total % 3600 / 60 > 0 ? "\(total % 3600 / 60)m" : "")" }
    if total >= 60 { return "\(total / 60)m" }
    return "\(total)s"
  }

  /// Reads the collection of a create's natural key and throws ``PlanDriftError`` when an
  /// object with the key appeared since the plan (not one this apply created), unless forced.
  private func checkNaturalKey(_ write: PlannedWrite, resolved: PlannedWrite, created: [String: PlanJSON])
    async throws
  {
    guard let key = write.naturalKey else { return }
    let aid = resolved.query.first(where: { $0.name == "aid" })?.value
    let now = try await key.currentMatches(client: client, aid: aid)
    let ours = Set(created.values.compactMap(\.identifierText))
    let appeared = now.filter { !key.existing.contains($0) && !ours.contains($0) }
    guard !appeared.isEmpty else { return }
    let what = key.describe(kind: write.objectKind, article: true)
    let change = "\(what) (id \(appeared.joined(separator: ", "))) appeared"
    if force {
      report("warning: \(change) since the plan was made; creating it anyway (--force)")
      return
    }
    throw PlanDriftError(write: resolved, changes: [], gone: false, appeared: change)
  }

  /// `write` with every placeholder it consumes replaced by its value.
  static func resolve(_ write: PlannedWrite, _ values: [String: PlanJSON]) throws -> PlannedWrite {
    for token in write.consumes where values[token] == nil {
      throw PlaceholderError(token: token)
    }
    var resolved = write
    let text: (String) -> String? = { values[$0]?.identifierText }
    resolved.path = Placeholders.substitute(write.path, text)
    resolved.query = write.query.map {
      PlanQueryItem(name: $0.name, value: Placeholders.substitute($0.value, text))
    }
    resolved.body = write.body.map { Placeholders.resolve($0, values) }
    if let id = write.objectId { resolved.objectId = Placeholders.substitute(id, text) }
    if let name = write.objectName { resolved.objectName = Placeholders.substitute(name, text) }
    return resolved
  }

  /// Re-reads the object of `write` and throws ``PlanDriftError`` when it differs from the
  /// snapshot (unless forced).
  private func checkDrift(_ write: PlannedWrite, resolved: PlannedWrite, plan: Plan) async throws {
    guard let snapshot = write.snapshot, let operation = Catalog.operation(id: write.operationId),
      let read = DryRunPlanner.readRequest(
        path: resolved.path, aid: resolved.query.first(where: { $0.name == "aid" })?.value, for: operation)
    else { return }
    var current: PlanJSON?
    do {
      let response = try await client.send(read)
      current = (try? PlanJSON.decode(response.body)).map(DryRunPlanner.withoutLinks)
    } catch let error as APIError where error.status == 404 {
      current = nil
    }
    guard current != snapshot else { return }
    let changed = Self.differences(snapshot, current)
    if force {
      report(
        "warning: \(Self.subject(resolved)) changed since the plan (\(changed.joined(separator: ", "))); applying anyway (--force)"
      )
      return
    }
    throw PlanDriftError(write: resolved, changes: changed, gone: current == nil)
  }

  /// The fields that differ between the snapshot and the object now, as `field: old → new`.
  static func differences(_ before: PlanJSON, _ after: PlanJSON?) -> [String] {
    guard let after else { return ["the object no longer exists"] }
    let old = before.objectValue ?? [:]
    let new = after.objectValue ?? [:]
    return Set(old.keys).union(new.keys).sorted().compactMap { key in
      let a = old[key]
      let b = new[key]
      if a == b { return nil }
      return "\(key): \(a.map(\.jsonText) ?? "(absent)") → \(b.map(\.jsonText) ?? "(absent)")"
    }
  }

  /// `agent-to-server test 123456 "Name"`.
  static func subject(_ write: PlannedWrite) -> String {
    var words = [write.objectKind]
    if let id = write.objectId { words.append(id) }
    if let name = write.objectName { words.append("\"\(name)\"") }
    return words.joined(separator: " ")
  }

  static func describe(_ write: PlannedWrite, status: Int, values: [String: PlanJSON]) -> String {
    var line =
      "\(write.action.symbol) \(write.action.rawValue)d \(subject(write)) (\(write.method) /v7\(write.path): \(status))"
    if write.action == .update, write.method == "POST" {
      line =
        "\(write.action.symbol) \(write.operationId) \(subject(write)) (\(write.method) /v7\(write.path): \(status))"
    }
    let assigned = write.produces.compactMap { record in
      values[record.token].flatMap { value in
        DryRunPlanner.isIdentifier(record.field)
          ? "\(record.field) \(value.identifierText ?? value.jsonText)" : nil
      }
    }
    if !assigned.isEmpty { line += " → " + assigned.joined(separator: ", ") }
    return line
  }
}

/// An object changed between the plan and apply (exit 5).
public struct PlanDriftError: TerunFailure, CustomStringConvertible {
  /// The write whose object changed.
  public let write: PlannedWrite
  /// The changed fields, as `field: old → new`.
  public let changes: [String]
  /// Whether the object is gone.
  public let gone: Bool
  /// For a create: the object with its natural key that appeared since the plan.
  public var appeared: String?

  public init(write: PlannedWrite, changes: [String], gone: Bool, appeared: String? = nil) {
    self.write = write
    self.changes = changes
    self.gone = gone
    self.appeared = appeared
  }

  public var exitStatus: ExitStatus { .planDrift }

  public var message: String {
    let what = "\(PlanApplier.subject(write)) (\(write.method) /v7\(write.path))"
    if let appeared {
      return "plan drift: \(appeared) since the plan was made; creating \(what) would make a duplicate. "
        + "Nothing further was sent. Make a new plan, or apply with --force."
    }
    let detail = gone ? "it no longer exists" : "changed fields: " + changes.joined(separator: "; ")
    return "plan drift: \(what) changed since the plan was made; \(detail). "
      + "Nothing further was sent. Make a new plan, or apply with --force."
  }

  public var description: String { message }
}

/// A write failed during apply: names the write and how far apply got.
public struct ApplyError: TerunFailure, CustomStringConvertible {
  public let write: PlannedWrite
  /// Writes completed before this one.
  public let done: Int
  public let total: Int
  public let underlying: Error

  public var exitStatus: ExitStatus {
    if let api = underlying as? APIError, api.isAuthorizationFailure { return .auth }
    return .runbookError
  }

  public var message: String {
    "apply stopped at write \(write.index) of \(total) (\(write.action.rawValue) \(PlanApplier.subject(write))); "
      + "\(done) write(s) done before it: \(underlying)"
  }

  public var description: String { message }
}

/// A write needs a placeholder no earlier response provided.
struct PlaceholderError: Error, CustomStringConvertible {
  let token: String
  var description: String {
    "it uses \(token), which no earlier response of this apply provided"
  }
}

/// Apply stopped part-way; the state records which writes were applied (exit status of the
/// failure that stopped it).
public struct ApplyStopped: TerunFailure, CustomStringConvertible {
  /// What stopped apply.
  public let underlying: Error
  /// The writes applied so far (by this apply and earlier ones of the same plan), in order.
  public let applied: [Int]
  /// How many writes the plan has.
  public let total: Int
  /// The write that failed.
  public let failedWrite: Int
  /// The state record.
  public let statePath: String
  /// Why the progress could not be recorded, when it could not: `--resume` would not know
  /// which writes were applied.
  public var unrecorded: String?

  public var exitStatus: ExitStatus {
    (underlying as? any TerunFailure)?.exitStatus ?? ExitStatus.of(underlying)
  }

  public var message: String {
    let cause = (underlying as? any TerunFailure)?.message ?? String(describing: underlying)
    let done = Set(applied)
    let notApplied = (1...max(total, 1)).filter { !done.contains($0) }.map(String.init)
      .joined(separator: ", ")
    let summary =
      cause + "\nApplied: \(PlanRecord.list(applied, total: total)); not applied: write(s) \(notApplied). "
    if let unrecorded {
      return summary
        + "The progress could not be recorded (\(unrecorded)): do not use --resume, which would send "
        + "the applied writes again; make a new plan instead."
    }
    return summary
      + "The progress is recorded in \(statePath); continue with terun apply PLAN --resume "
      + "(it never sends an applied write again)."
  }

  public var description: String { message }
}
