import CLuaBridge
import CREPLSupport
import Runbook

/// Describes a Lua error value for the REPL, with raw reads only (no `__tostring` runs).
///
/// - An API error (`{kind = "api", status, title, detail, method, path, errors}`) reads
///   `API error 404 Not Found` then the request and the detail on their own lines.
/// - Another structured error prints its `message`; a string prints as is (with its
///   traceback, without terun's own frames, when `traceback` is set); anything else is
///   rendered by the printer.
public enum ErrorFormatter {
  /// Describes the error value at `index` of `L`'s stack.
  public static func describe(_ L: OpaquePointer, at index: Int32, printer: ValuePrinter, traceback: Bool)
    -> String
  {
    let index = lua_absindex(L, index)
    switch lua_type(L, index) {
    case LUA_TSTRING:
      let text = String(decoding: ValuePrinter.bytes(L, index), as: UTF8.self)
      let parts = text.components(separatedBy: "\nstack traceback:\n")
      // As a run's: without terun's own frames (its embedded Lua, C functions).
      if traceback && parts.count > 1,
        let frames = RunbookErrorReport.userFrames("stack traceback:\n" + parts[1])
      {
        return parts[0] + "\n" + frames
      }
      return parts[0]
    case LUA_TTABLE:
      if field(L, index, "kind") == "api" { return describeAPIError(L, index) }
      if let message = field(L, index, "message") { return message }
      return "error: " + printer.render(L, at: index)
    default:
      if terun_is_kill_sentinel(L, index) != 0 || terun_repl_is_stop_sentinel(L, index) != 0 {
        return "stopped"
      }
      return "error: " + printer.render(L, at: index)
    }
  }

  private static func describeAPIError(_ L: OpaquePointer, _ index: Int32) -> String {
    let status = field(L, index, "status") ?? "?"
    let title = field(L, index, "title") ?? ""
    var lines = ["API error \(status)\(title.isEmpty ? "" : " " + title)"]
    if let method = field(L, index, "method"), let path = field(L, index, "path") {
      lines.append("  request: \(method) \(path)")
    }
    if let detail = field(L, index, "detail"), !detail.isEmpty { lines.append("  detail: \(detail)") }
    lua_pushstring(L, "errors")
    if lua_rawget(L, index) == LUA_TTABLE {
      let errors = lua_gettop(L)
      var position: lua_Integer = 1
      while true {
        guard lua_rawgeti(L, errors, position) == LUA_TTABLE else {
          terun_pop(L, 1)
          break
        }
        let entry = lua_gettop(L)
        let text = [field(L, entry, "field"), field(L, entry, "message") ?? field(L, entry, "code")]
          .compactMap { $0 }.joined(separator: ": ")
        if !text.isEmpty { lines.append("  error: \(text)") }
        terun_pop(L, 1)
        position += 1
      }
    }
    terun_pop(L, 1)
    return lines.joined(separator: "\n")
  }

  /// A string or number field, read raw.
  static func field(_ L: OpaquePointer, _ index: Int32, _ name: String) -> String? {
    lua_pushstring(L, name)
    defer { terun_pop(L, 1) }
    switch lua_rawget(L, index) {
    case LUA_TSTRING: return String(decoding: ValuePrinter.bytes(L, -1), as: UTF8.self)
    case LUA_TNUMBER: return ValuePrinter.number(L, -1)
    default: return nil
    }
  }
}
