import Foundation

/// A JSON value as the plan keeps it: integers stay integers (docs/architecture.md, rule 2), objects keep
/// their keys (written sorted), empty arrays and objects keep their kind.
///
/// The planner is not on the hot path; it decodes a request or response body once per write.
public indirect enum PlanJSON: Equatable, Sendable {
  case null
  case bool(Bool)
  case integer(Int64)
  case number(Double)
  case string(String)
  case array([PlanJSON])
  case object([String: PlanJSON])

  /// Decodes JSON bytes.
  public static func decode(_ bytes: [UInt8]) throws -> PlanJSON {
    try JSONDecoder().decode(PlanJSON.self, from: Data(bytes))
  }

  /// The value as compact JSON bytes with sorted keys.
  public func encoded(pretty: Bool = false) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting =
      pretty
      ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
    return Array((try? encoder.encode(self)) ?? Data("null".utf8))
  }

  /// The value as compact JSON text with sorted keys.
  public var jsonText: String { String(decoding: encoded(), as: UTF8.self) }

  /// The fields of an object, or `nil`.
  public var objectValue: [String: PlanJSON]? {
    if case .object(let fields) = self { return fields }
    return nil
  }

  /// The text of a string, or `nil`.
  public var stringValue: String? {
    if case .string(let text) = self { return text }
    return nil
  }

  /// A scalar as path-segment text: a string as it is, an integer in decimal.
  public var identifierText: String? {
    switch self {
    case .string(let text): return text
    case .integer(let number): return String(number)
    case .number(let number): return Int64(exactly: number).map(String.init)
    default: return nil
    }
  }

  /// `self[key]` for an object.
  public subscript(key: String) -> PlanJSON? {
    objectValue?[key]
  }

  /// A copy with every string transformed by `transform` (keys untouched).
  public func mapStrings(_ transform: (String) -> PlanJSON) -> PlanJSON {
    switch self {
    case .string(let text): return transform(text)
    case .array(let items): return .array(items.map { $0.mapStrings(transform) })
    case .object(let fields): return .object(fields.mapValues { $0.mapStrings(transform) })
    default: return self
    }
  }

  /// Every string inside the value, depth first.
  public var allStrings: [String] {
    switch self {
    case .string(let text): return [text]
    case .array(let items): return items.flatMap(\.allStrings)
    case .object(let fields): return fields.keys.sorted().flatMap { fields[$0]!.allStrings }
    default: return []
    }
  }
}

extension PlanJSON: Codable {
  public init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let flag = try? container.decode(Bool.self) {
      self = .bool(flag)
    } else if let number = try? container.decode(Int64.self) {
      self = .integer(number)
    } else if let number = try? container.decode(Double.self) {
      self = .number(number)
    } else if let text = try? container.decode(String.self) {
      self = .string(text)
    } else if let items = try? container.decode([PlanJSON].self) {
      self = .array(items)
    } else {
      self = .object(try container.decode([String: PlanJSON].self))
    }
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let flag): try container.encode(flag)
    case .integer(let number): try container.encode(number)
    case .number(let number): try container.encode(number)
    case .string(let text): try container.encode(text)
    case .array(let items): try container.encode(items)
    case .object(let fields): try container.encode(fields)
    }
  }
}
