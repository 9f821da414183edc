import Foundation
import LuaHost
import Runbook

/// Describes a Lua error value for the REPL, with raw reads only (no `__tostring` runs).
///
/// - An API error (`{kind = "api", status, title, detail, method, path, errors}`) reads
///   `API error 404 Not Found` then the request and the detail on their own lines.
/// - Another structured error prints its `message`; a string prints as is (with its
///   traceback, without terun's own frames, when `traceback` is set); anything else is
///   rendered by the printer.
public enum ErrorFormatter {
  /// Describes the error value `error` (read in place).
  public static func describe(_ error: LuaSlot, printer: ValuePrinter, traceback: Bool) -> String {
    switch error.type {
    case .string:
      let text = error.text ?? ""
      let parts = text.components(separatedBy: "\nstack traceback:\n")
      // As a run's: without terun's own frames (its embedded Lua, C functions).
      if traceback && parts.count > 1,
        let frames = RunbookErrorReport.userFrames("stack traceback:\n" + parts[1])
      {
        return parts[0] + "\n" + frames
      }
      return parts[0]
    case .table:
      if field(error, "kind") == "api" { return describeAPIError(error) }
      if let message = field(error, "message") { return message }
      return "error: " + printer.render(error)
    default:
      if error.isStopMarker { return "stopped" }
      return "error: " + printer.render(error)
    }
  }

  private static func describeAPIError(_ error: LuaSlot) -> String {
    let status = field(error, "status") ?? "?"
    let title = field(error, "title") ?? ""
    var lines = ["API error \(status)\(title.isEmpty ? "" : " " + title)"]
    if let method = field(error, "method"), let path = field(error, "path") {
      lines.append("  request: \(method) \(path)")
    }
    if let detail = field(error, "detail"), !detail.isEmpty { lines.append("  detail: \(detail)") }
    error.withField(.name("errors")) { errors in
      guard errors.type == .table else { return }
      var position: Int64 = 1
      while errors.withElement(
        position,
        { entry in
          guard entry.type == .table else { return false }
          let text = [field(entry, "field"), field(entry, "message") ?? field(entry, "code")]
            .compactMap { $0 }.joined(separator: ": ")
          if !text.isEmpty { lines.append("  error: \(text)") }
          return true
        })
      {
        position += 1
      }
    }
    return lines.joined(separator: "\n")
  }

  /// A string or number field, read raw.
  static func field(_ table: LuaSlot, _ name: String) -> String? {
    table.withField(.name(name)) { value in
      switch value.type {
      case .string: return value.text
      case .number: return ValuePrinter.number(value)
      default: return nil
      }
    }
  }
}
