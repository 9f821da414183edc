import Foundation
import ThousandEyes

/// Applies a saved plan with the ThousandEyes client: writes in order, placeholders resolved
/// from earlier responses, and each object re-read before its update or delete.
///
/// Before sending anything it re-reads every object the plan updates or deletes; it re-reads
/// each again just before its write. When one differs from the plan's snapshot it stops with
/// ``PlanDriftError`` (exit 5) and sends nothing further, unless `force` is set.
public struct PlanApplier {
  /// What was done to one write.
  public struct Step: Sendable, Equatable {
    /// The write, with placeholders resolved.
    public var write: PlannedWrite
    /// The HTTP status of its response.
    public var status: Int
  }

  private let client: ThousandEyesClient
  private let force: Bool
  private let report: (String) -> Void

  /// Creates an applier sending through `client`; `report` receives one line per write done.
  public init(client: ThousandEyesClient, force: Bool = false, report: @escaping (String) -> Void = { _ in })
  {
    self.client = client
    self.force = force
    self.report = report
  }

  /// Applies `plan` and returns what was done, in order.
  @discardableResult
  public func apply(_ plan: Plan) async throws -> [Step] {
    for write in plan.writes where write.snapshot != nil {
      try await checkDrift(write, resolved: write, plan: plan)
    }
    var values: [String: PlanJSON] = [:]
    var steps: [Step] = []
    for write in plan.writes {
      let resolved: PlannedWrite
      do {
        resolved = try Self.resolve(write, values)
      } catch {
        throw ApplyError(write: write, done: steps.count, total: plan.writes.count, underlying: error)
      }
      if write.snapshot != nil {
        try await checkDrift(write, resolved: resolved, plan: plan)
      }
      guard let method = HTTPMethodName(name: resolved.method), method != .get else {
        throw PlanFileError.malformed("write \(write.index) has method '\(resolved.method)', not a write")
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
    }
    return steps
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
    guard let snapshot = write.snapshot else { return }
    var read = APIRequest(.get, resolved.path)
    if let aid = resolved.query.first(where: { $0.name == "aid" })?.value {
      read = read.settingQuery("aid", to: aid)
    }
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

  public var exitStatus: ExitStatus { .planDrift }

  public var message: String {
    let what = "\(PlanApplier.subject(write)) (\(write.method) /v7\(write.path))"
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
