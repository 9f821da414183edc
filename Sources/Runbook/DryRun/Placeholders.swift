import Foundation

/// Placeholder tokens: the values a runbook sees in a dry run in place of what the API would
/// assign (a new user's `uid`), e.g. `~known-after-apply-3.uid~`.
///
/// A token uses only URL-unreserved characters, so it survives as a path segment
/// (`/users/~known-after-apply-3.uid~`), a query value or a string in a body, and can be
/// found again and resolved at apply. The plan shows it as `(known after apply)`.
public enum Placeholders {
  /// How a placeholder is shown in the human-readable plan.
  public static let display = "(known after apply)"

  private static let prefix = "~known-after-apply-"

  /// The token for `field` of the response to write number `write`.
  public static func token(write: Int, field: String) -> String {
    "\(prefix)\(write).\(field)~"
  }

  /// Every token inside `text`, in order of appearance (repeats kept).
  public static func tokens(in text: String) -> [String] {
    var found: [String] = []
    var rest = text[...]
    while let start = rest.range(of: prefix) {
      let after = rest[start.upperBound...]
      guard let end = after.firstIndex(of: "~") else { break }
      let inside = after[..<end]
      if let dot = inside.firstIndex(of: "."), Int(inside[..<dot]) != nil,
        inside.index(after: dot) < inside.endIndex,
        inside[inside.index(after: dot)...].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
      {
        found.append(String(text[start.lowerBound...end]))
        rest = after[after.index(after: end)...]
      } else {
        rest = after
      }
    }
    return found
  }

  /// Replaces every token in `text` with `replacement(token)` (a token mapped to `nil` stays).
  public static func substitute(_ text: String, _ replacement: (String) -> String?) -> String {
    var out = text
    for token in Set(tokens(in: text)) {
      if let value = replacement(token) { out = out.replacingOccurrences(of: token, with: value) }
    }
    return out
  }

  /// `text` with every token shown as `(known after apply)`.
  public static func displayed(_ text: String) -> String {
    substitute(text) { _ in display }
  }

  /// Resolves the tokens in a JSON value: a string that is exactly a token becomes the value
  /// itself (an integer stays an integer); a token inside a longer string is replaced by the
  /// value's text.
  public static func resolve(_ value: PlanJSON, _ values: [String: PlanJSON]) -> PlanJSON {
    value.mapStrings { text in
      if let exact = values[text] { return exact }
      return .string(substitute(text) { values[$0]?.identifierText })
    }
  }

  /// The distinct tokens used in a request's path, query values and body, in order.
  public static func consumed(path: String, query: [PlanQueryItem], body: PlanJSON?) -> [String] {
    var seen: [String] = []
    let texts = [path] + query.map(\.value) + (body?.allStrings ?? [])
    for text in texts {
      for token in tokens(in: text) where !seen.contains(token) { seen.append(token) }
    }
    return seen
  }
}
