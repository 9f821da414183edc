import Foundation

/// Renders a runbook's header for `terun describe` and `terun RUNBOOK --help`.
public enum RunbookDescription {
  /// The description and a parameter table (name, type, required/default, help).
  public static func render(_ header: RunbookHeader, runbook: String) -> String {
    var lines: [String] = []
    let title = header.name ?? runbook
    if let description = header.description, !description.isEmpty {
      lines.append("\(title): \(description)")
    } else {
      lines.append(title)
    }
    lines.append("")
    let placeholders = header.parameters.map { spec in
      spec.required
        ? "\(spec.name)=\(spec.type.name.uppercased())" : "[\(spec.name)=\(spec.type.name.uppercased())]"
    }
    lines.append((["Usage: terun run \(runbook)"] + placeholders).joined(separator: " "))
    lines.append("")
    guard !header.parameters.isEmpty else {
      lines.append("This runbook takes no parameters.")
      return lines.joined(separator: "\n") + "\n"
    }
    lines.append("Parameters:")
    let rows: [[String]] =
      [["NAME", "TYPE", "REQUIRED/DEFAULT", "HELP"]]
      + header.parameters.map { spec in
        let requirement: String
        if spec.required {
          requirement = "required"
        } else if let value = spec.defaultValue {
          requirement = "default \(value.description.isEmpty ? "\"\"" : value.description)"
        } else {
          requirement = "optional"
        }
        return [spec.name, spec.type.display, requirement, spec.help]
      }
    let widths = (0..<3).map { column in rows.map { $0[column].count }.max() ?? 0 }
    for row in rows {
      var line = "  "
      for column in 0..<3 {
        line += row[column].padding(toLength: widths[column], withPad: " ", startingAt: 0) + "  "
      }
      line += row[3]
      while line.last == " " { line.removeLast() }
      lines.append(line)
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
