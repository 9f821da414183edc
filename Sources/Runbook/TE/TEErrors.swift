import Foundation
import LuaHost
import ThousandEyes

/// Turns client errors into the Lua error values runbooks see.
///
/// An API error is a table `{kind = "api", status, title, detail, errors, method, path, message}`
/// whose `tostring` is `message` (e.g. `GET /tests/1: 404 Not Found: ...`), so a runbook can
/// `pcall` and test `err.status == 404`. A network failure is
/// `{kind = "network", reason, method, path, message}` with no `status`.
enum TEErrors {
  static func luaError(_ error: Error) -> Error {
    switch error {
    case let api as APIError:
      var fields: [String: LuaValue] = [
        "kind": .text("api"),
        "status": .integer(Int64(api.status)),
        "title": .text(api.title),
        "method": .text(api.method.rawValue),
        "path": .text(api.path),
        "errors": .table(
          LuaTable(
            array: api.errors.map { entry in
              var item: [String: LuaValue] = [:]
              if let code = entry.code { item["code"] = .text(code) }
              if let field = entry.field { item["field"] = .text(field) }
              if let message = entry.message { item["message"] = .text(message) }
              return .table(LuaTable(fields: item))
            })),
      ]
      if let detail = api.detail { fields["detail"] = .text(detail) }
      if let type = api.type { fields["type"] = .text(type) }
      return LuaErrorValue(message: api.description, fields: fields)
    case let transport as TransportError:
      return LuaErrorValue(
        message: transport.description,
        fields: [
          "kind": .text("network"), "reason": .text(transport.kind.rawValue),
          "method": .text(transport.method.rawValue), "path": .text(transport.path),
          "timeout": .boolean(transport.isTimeout),
        ])
    case let wait as WaitTooLongError:
      return LuaErrorValue(
        message: wait.description,
        fields: [
          "kind": .text("rate_limit"), "status": .integer(429), "method": .text(wait.method.rawValue),
          "path": .text(wait.path),
        ])
    case let pagination as PaginationError:
      return LuaErrorValue(message: pagination.description, fields: ["kind": .text("pagination")])
    case is LuaErrorValue, is LuaScriptError, is LuaSandboxViolation, is LuaError:
      return error
    default:
      return LuaScriptError(String(describing: error))
    }
  }
}

extension LuaError {
  /// The HTTP status of an uncaught `te` API error (`err.status` of a `kind = "api"` table),
  /// or `nil`. The runner uses it to exit with 4 for 401 and 403.
  public var teAPIStatus: Int? {
    guard let value, value["kind"].stringValue == "api", let status = value["status"].integerValue else {
      return nil
    }
    return Int(status)
  }

  /// Whether the run ended with an uncaught 401 or 403 from the API (exit status 4).
  public var isTEAuthorizationFailure: Bool {
    teAPIStatus == 401 || teAPIStatus == 403
  }

  /// Whether the run ended with an uncaught "no API token" error of `te` (exit status 4, one
  /// sentence without location or traceback).
  public var isTEMissingToken: Bool {
    guard let value else { return false }
    return value["kind"].stringValue == "auth" && value["reason"].stringValue == "no token"
  }
}
