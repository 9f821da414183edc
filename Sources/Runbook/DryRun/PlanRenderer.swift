/// Renders a plan for people: a summary line, then one block per write (`+` create with its
/// body, `~` update with field diffs against the current object, `-` delete with the object's
/// name). Placeholders show as `(known after apply)`.
///
/// ```
/// Plan: 1 to create, 1 to update, 0 to delete.
///
/// + create user "Ana" (POST /v7/users)
///     {
///       "email": "ana@example.com",
///       "name": "Ana"
///     }
///
/// ~ update agent-to-server test 123456 "Name" (PUT /v7/tests/agent-to-server/123456)
///     interval: 600 → 300
/// ```
public enum PlanRenderer {
  /// The plan as text; `color` adds ANSI colours (green create, yellow update, red delete).
  public static func render(_ plan: Plan, color: Bool) -> String {
    let style = Style(enabled: color)
    var lines: [String] = [
      style.bold(
        "Plan: \(plan.count(.create)) to create, \(plan.count(.update)) to update, "
          + "\(plan.count(.delete)) to delete.")
    ]
    if plan.writes.isEmpty {
      lines.append("No changes: the runbook makes no writes.")
    }
    for write in plan.writes {
      lines.append("")
      lines.append(style.action(write.action, headline(write)))
      lines.append(contentsOf: details(write).map { "    " + $0 })
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `+ create user "Ana" (POST /v7/users)`.
  static func headline(_ write: PlannedWrite) -> String {
    var words = [write.action.symbol, actionVerb(write), write.objectKind]
    if write.action != .create, let id = write.objectId { words.append(Placeholders.displayed(id)) }
    if let name = write.objectName { words.append("\"\(Placeholders.displayed(name))\"") }
    let query = write.queryText
    let target = write.method + " /v7" + write.path + (query.isEmpty ? "" : "?" + query)
    words.append("(\(Placeholders.displayed(target)))")
    return words.joined(separator: " ")
  }

  private static func actionVerb(_ write: PlannedWrite) -> String {
    if write.action == .update, write.method == "POST" { return "update (\(write.operationId))" }
    return write.action.rawValue
  }

  /// The indented lines under a headline.
  static func details(_ write: PlannedWrite) -> [String] {
    switch write.action {
    case .create:
      return write.body.map(prettyLines) ?? []
    case .update:
      guard let changes = write.changes, write.snapshot != nil || !changes.isEmpty else {
        return write.body.map(prettyLines) ?? []
      }
      if changes.isEmpty { return ["(no field changes: the values are already current)"] }
      return changes.flatMap(\.lines)
    case .delete:
      return []
    }
  }

  /// A value on one line, placeholders shown.
  static func compact(_ value: PlanJSON) -> String {
    Placeholders.displayed(value.jsonText)
  }

  private static func prettyLines(_ value: PlanJSON) -> [String] {
    let text = Placeholders.displayed(String(decoding: value.encoded(pretty: true), as: UTF8.self))
    return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }

  private struct Style {
    let enabled: Bool

    func bold(_ text: String) -> String { enabled ? "\u{1B}[1m\(text)\u{1B}[0m" : text }

    func action(_ action: WriteAction, _ text: String) -> String {
      guard enabled else { return text }
      let code: String
      switch action {
      case .create: code = "32"
      case .update: code = "33"
      case .delete: code = "31"
      }
      return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
  }
}
