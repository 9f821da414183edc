/// The ThousandEyes API v7 operations, generated from the OpenAPI description by
/// `scripts/catalog/generate.py`, and lookups over them.
public enum Catalog {
  private struct Template: Sendable {
    let operation: Operation
    /// Path segments; `nil` marks a `{parameter}` segment.
    let segments: [Substring?]
    let literalCount: Int
  }

  private struct Key: Hashable {
    let method: HTTPMethodName
    let segmentCount: Int
  }

  private static let templates: [Key: [Template]] = {
    var result: [Key: [Template]] = [:]
    for operation in operations {
      let segments: [Substring?] = operation.path.split(separator: "/").map {
        $0.hasPrefix("{") && $0.hasSuffix("}") ? nil : $0
      }
      let template = Template(
        operation: operation, segments: segments,
        literalCount: segments.reduce(0) { $0 + ($1 == nil ? 0 : 1) })
      result[Key(method: operation.method, segmentCount: segments.count), default: []].append(template)
    }
    return result
  }()

  private static let byID: [String: Operation] = {
    var result: [String: Operation] = [:]
    for operation in operations { result[operation.id] = operation }
    return result
  }()

  /// The operation with the given `operationId`, e.g. `getUsers`.
  public static func operation(id: String) -> Operation? {
    byID[id]
  }

  /// The operation whose template matches a concrete request path.
  ///
  /// `path` is relative to `/v7` (a leading `/v7` and a query string are ignored), e.g.
  /// `/tests/agent-to-server/123`. When several templates match, the one with the most
  /// literal segments wins, so `/tests/agent-to-server` matches its own template rather than
  /// `/tests/{testId}/...`-style ones; among equals, the earlier one in the spec.
  public static func match(method: HTTPMethodName, path: String) -> Operation? {
    var trimmed = Substring(path)
    if let question = trimmed.firstIndex(of: "?") { trimmed = trimmed[..<question] }
    if trimmed.hasPrefix("/v7/") { trimmed = trimmed.dropFirst(3) }
    let segments = trimmed.split(separator: "/")
    guard let candidates = templates[Key(method: method, segmentCount: segments.count)] else {
      return nil
    }
    var best: Template?
    for template in candidates {
      var matches = true
      for (pattern, segment) in zip(template.segments, segments) {
        if let literal = pattern, literal != segment {
          matches = false
          break
        }
      }
      if matches, best == nil || template.literalCount > best!.literalCount {
        best = template
      }
    }
    return best?.operation
  }

  /// Whether a request reads or writes, or `nil` when no operation matches it.
  public static func access(method: HTTPMethodName, path: String) -> OperationAccess? {
    match(method: method, path: path)?.access
  }
}
