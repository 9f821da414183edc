import LuaHost
import ThousandEyes

/// `te.spec`: what the official spec says a request takes, for runbooks that build bodies
/// from data of their own (a desired-state file) and must know which fields are writable.
///
/// - `te.spec.writable_fields(method, path)`: the names of the fields the request body of the
///   operation matching `method path` takes, read-only ones left out, sorted; `nil` when no
///   operation matches or it takes no JSON body. `te.spec.writable_fields("POST",
///   "/tests/http-server")` lists what an http-server test is created with.
enum TESpecModule {
  /// Installs `te.spec.writable_fields` into `module`.
  static func install(into module: TEModule) {
    module.setFunction("spec.writable_fields") { call in
      let methodName = try call.string(1).uppercased()
      let path = try call.string(2)
      guard let method = HTTPMethodName(rawValue: methodName) else {
        throw LuaScriptError("te.spec.writable_fields: '\(methodName)' is not an HTTP method")
      }
      guard let operation = Catalog.match(method: method, path: path),
        let entry = RequestSchemaTable.shared.body(of: operation.id)
      else {
        try call.push(.nil)
        return 1
      }
      let table = RequestSchemaTable.shared
      let properties = table.resolve(entry.body).properties ?? [:]
      let names = properties.filter { !RequestShape.isReadOnly($0.value, table) }.keys.sorted()
      try call.push(.table(LuaTable(array: names.map { .text($0) })))
      return 1
    }
  }
}
