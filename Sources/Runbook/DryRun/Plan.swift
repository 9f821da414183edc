import Crypto
import Foundation
import ThousandEyes

/// A dry-run plan: the writes a runbook would make, in order, with what is needed to apply
/// them later and to notice that an object changed in between. Saved with `--plan-out` and
/// applied with `terun apply`; the schema is documented in docs/plan-format.md.
///
/// A plan never holds the API token.
public struct Plan: Codable, Equatable, Sendable {
  /// The value of `format` in every plan file.
  public static let formatName = "terun-plan"
  /// The schema version this build writes and reads.
  public static let currentVersion = 1

  /// Always ``formatName``.
  public var format: String
  /// The schema version.
  public var version: Int
  /// When the plan was made (ISO 8601, UTC).
  public var createdAt: String
  /// The runbook the plan came from.
  public var runbook: PlanRunbook
  /// The runbook's parameters as converted for the run.
  public var parameters: [String: PlanJSON]
  /// The API base URL (without `/v7`) the plan was made against.
  public var baseUrl: String
  /// The default account group of the run, if any.
  public var aid: String?
  /// The writes, in the order the runbook made them.
  public var writes: [PlannedWrite]
  /// SHA-256 of the plan's JSON without this field, set when the plan is saved: apply refuses
  /// a plan whose content no longer matches it (edited parameters or writes) unless `--force`.
  /// It also names the plan in the apply state (`TERUN_STATE_DIR/plans/DIGEST.json`).
  public var digest: String?

  /// Creates a plan.
  public init(
    runbook: PlanRunbook, parameters: [String: PlanJSON], baseUrl: String, aid: String?,
    writes: [PlannedWrite], createdAt: Date = Date()
  ) {
    self.format = Plan.formatName
    self.version = Plan.currentVersion
    self.createdAt = ISO8601DateFormatter().string(from: createdAt)
    self.runbook = runbook
    self.parameters = parameters
    self.baseUrl = baseUrl
    self.aid = aid
    self.writes = writes
  }

  /// The digest of the plan's content (everything but `digest`).
  public func computedDigest() throws -> String {
    var copy = self
    copy.digest = nil
    return PlanHash.sha256(try copy.jsonBytes())
  }

  /// The plan with its digest set.
  public func sealed() throws -> Plan {
    var copy = self
    copy.digest = try computedDigest()
    return copy
  }

  /// When the plan was made, or `nil` when `createdAt` is not an ISO 8601 time.
  public var creationDate: Date? {
    ISO8601DateFormatter().date(from: createdAt)
  }

  /// How many writes of `action` the plan holds.
  public func count(_ action: WriteAction) -> Int {
    writes.filter { $0.action == action }.count
  }

  /// Whether the plan changes anything.
  public var hasChanges: Bool { !writes.isEmpty }

  /// The plan as pretty JSON with sorted keys, ending with a newline.
  public func jsonBytes() throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    return Array(try encoder.encode(self)) + [UInt8(ascii: "\n")]
  }

  /// Reads a plan from JSON, checking its format and version.
  public static func decode(_ bytes: [UInt8]) throws -> Plan {
    let plan: Plan
    do {
      plan = try JSONDecoder().decode(Plan.self, from: Data(bytes))
    } catch {
      throw PlanFileError.malformed(Self.describe(error))
    }
    guard plan.format == formatName else {
      throw PlanFileError.malformed("'format' is \"\(plan.format)\", expected \"\(formatName)\"")
    }
    guard plan.version == currentVersion else {
      throw PlanFileError.malformed(
        "version \(plan.version) is not supported (this terun reads version \(currentVersion))")
    }
    return plan
  }

  private static func describe(_ error: Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let key, let context):
      return "missing '\(key.stringValue)' at \(path(context.codingPath))"
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
      return "\(context.debugDescription) at \(path(context.codingPath))"
    case DecodingError.dataCorrupted(let context):
      return context.codingPath.isEmpty
        ? "not valid JSON" : "\(context.debugDescription) at \(path(context.codingPath))"
    default:
      return String(describing: error)
    }
  }

  private static func path(_ keys: [CodingKey]) -> String {
    keys.isEmpty
      ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
  }
}

/// The runbook a plan was made from.
public struct PlanRunbook: Codable, Equatable, Sendable {
  /// The runbook as named on the command line (or `builtin:NAME`).
  public var name: String
  /// The SHA-256 of the runbook's source, in lowercase hex.
  public var sha256: String

  /// Creates the record for `source`.
  public init(name: String, source: [UInt8]) {
    self.name = name
    self.sha256 = PlanHash.sha256(source)
  }
}

/// What a planned write does.
public enum WriteAction: String, Codable, Sendable {
  case create
  case update
  case delete

  /// The plan's marker for the action: `+`, `~` or `-`.
  public var symbol: String {
    switch self {
    case .create: return "+"
    case .update: return "~"
    case .delete: return "-"
    }
  }
}

/// One query parameter of a planned request.
public struct PlanQueryItem: Codable, Equatable, Sendable {
  public var name: String
  public var value: String

  public init(name: String, value: String) {
    self.name = name
    self.value = value
  }
}

/// One change an update makes, leaf by leaf (see ``PlanDiff``): a value that changes
/// (`interval: 600 → 300`), or items added to and removed from a list of ids
/// (`alertRules: + "High latency"`).
public struct FieldChange: Codable, Equatable, Sendable {
  /// The field, as the API spells it; nested leaves as a dotted path (`notifications.email.message`),
  /// an item of an id list as `agents[62].sourceIpAddress`.
  public var field: String
  /// The current value (`nil`: absent).
  public var before: PlanJSON?
  /// The value the update sends (`nil`: removed, or a list change).
  public var after: PlanJSON?
  /// For a list of ids: the items the update adds (shown by name when known).
  public var added: [PlanJSON]?
  /// For a list of ids: the items the update removes.
  public var removed: [PlanJSON]?
  /// A write-only field (a password): set, but its value is not shown or kept here.
  public var hidden: Bool?

  /// A value that changes.
  public init(field: String, before: PlanJSON?, after: PlanJSON?) {
    self.field = field
    self.before = before
    self.after = after
  }

  /// Items added to and removed from a list of ids.
  public init(field: String, added: [PlanJSON], removed: [PlanJSON]) {
    self.field = field
    self.added = added.isEmpty ? nil : added
    self.removed = removed.isEmpty ? nil : removed
  }

  /// A write-only field that the update sets (its value is neither shown nor kept).
  public static func hidden(field: String) -> FieldChange {
    var change = FieldChange(field: field, before: nil, after: nil)
    change.hidden = true
    return change
  }

  /// The change on lines, as the plan shows it.
  public var lines: [String] {
    if hidden == true { return ["\(field): (write-only value, not shown)"] }
    if added != nil || removed != nil {
      return (added ?? []).map { "\(field): + \(PlanRenderer.compact($0))" }
        + (removed ?? []).map { "\(field): - \(PlanRenderer.compact($0))" }
    }
    let old = before.map(PlanRenderer.compact) ?? "(absent)"
    let new = after.map(PlanRenderer.compact) ?? "(absent)"
    return ["\(field): \(old) → \(new)"]
  }
}

/// A value the API assigns on a create (a new user's `uid`), known only after apply.
public struct PlaceholderRecord: Codable, Equatable, Sendable {
  /// The token the runbook saw in its place, e.g. `~known-after-apply-1.uid~`.
  public var token: String
  /// The response field the value comes from at apply.
  public var field: String

  public init(token: String, field: String) {
    self.token = token
    self.field = field
  }
}

/// One write of a plan.
public struct PlannedWrite: Codable, Equatable, Sendable {
  /// 1-based position in the plan.
  public var index: Int
  /// Create, update or delete.
  public var action: WriteAction
  /// The catalog's `operationId`, e.g. `createUser`.
  public var operationId: String
  /// The object kind, e.g. `agent-to-server test`.
  public var objectKind: String
  /// The HTTP method.
  public var method: String
  /// The operation's path template relative to `/v7`, e.g. `/users/{id}`.
  public var pathTemplate: String
  /// The concrete path relative to `/v7`; may hold placeholder tokens.
  public var path: String
  /// The query parameters; values may hold placeholder tokens.
  public var query: [PlanQueryItem]
  /// The request body; strings may hold placeholder tokens.
  public var body: PlanJSON?
  /// The id of the object updated or deleted (the last path segment).
  public var objectId: String?
  /// The object's name, when the body or the current object has one.
  public var objectName: String?
  /// The object as read live when the plan was made (`_links` removed); apply compares it with
  /// a fresh read. Absent for creates and for objects created earlier in the same plan.
  public var snapshot: PlanJSON?
  /// SHA-256 of the snapshot's canonical JSON (sorted keys, compact).
  public var fingerprint: String?
  /// For updates: the fields whose value the update changes.
  public var changes: [FieldChange]?
  /// Values this write's response provides for later writes.
  public var produces: [PlaceholderRecord]
  /// Placeholder tokens this write uses, produced by earlier writes.
  public var consumes: [String]
  /// For a create: the natural key apply checks no new object has (see ``NaturalKey``).
  public var naturalKey: NaturalKey?

  /// The request's query in URL form (without `?`), or "" for none.
  public var queryText: String {
    QueryString.encode(query.map { ($0.name, $0.value) })
  }
}

/// Hashes for plans.
public enum PlanHash {
  /// SHA-256 of `bytes` as lowercase hex.
  public static func sha256(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
  }

  /// The fingerprint of a snapshot: SHA-256 of its canonical JSON.
  public static func fingerprint(_ value: PlanJSON) -> String {
    sha256(value.encoded())
  }
}

/// A plan file that cannot be read.
public enum PlanFileError: Error, CustomStringConvertible, TerunFailure {
  case malformed(String)

  public var description: String {
    switch self {
    case .malformed(let reason): return "not a terun plan: \(reason)"
    }
  }

  public var exitStatus: ExitStatus { .usage }
  public var message: String { description }
}
