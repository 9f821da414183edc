import CLuaBridge
import LuaHost
import ThousandEyes

/// `te.spec`: what the official spec says a request takes, for runbooks that build bodies
/// from data of their own (a desired-state file) and must know which fields are writable.
///
/// - `te.spec.writable_fields(method, path)`: the names of the fields the request body of the
///   operation matching `method path` takes, read-only ones left out, sorted; `nil` when no
///   operation matches or it takes no JSON body. `te.spec.writable_fields("POST",
///   "/tests/http-server")` lists what an http-server test is created with.
/// - `te.spec.body_problems(method, path, body)`: what the API would refuse in `body` as the
///   request body of `method path` (the checks a write's plan makes), as a list of
///   `{ field, code, message }`, empty when the body's shape is accepted; `nil` when no operation
///   matches. A runbook can check data of its own (each test of a file) before it plans anything.
/// - `te.spec.write_only_fields(method, path)`: the body's fields the spec marks write-only (the
///   API takes them but never returns them, such as passwords), sorted; `nil` as above.
enum TESpecModule {
  /// Installs `te.spec.writable_fields`, `write_only_fields` and `body_problems` into `module`.
  static func install(into module: TEModule) {
    module.setFunction("spec.body_problems") { call in
      let (method, path) = try methodAndPath(call, function: "te.spec.body_problems")
      guard let operation = Catalog.match(method: method, path: path) else {
        try call.push(.nil)
        return 1
      }
      var body: PlanJSON?
      if call.argumentCount >= 3, lua_type(call.L, 3) != LUA_TNIL {
        let bytes: [UInt8]
        do {
          bytes = try LuaJSON.encode(call.L, at: 3)
        } catch let error as LuaJSONError {
          throw LuaScriptError("te.spec.body_problems: body \(error.message)")
        }
        body = try PlanJSON.decode(bytes)
      }
      let problems = BodyValidator.problems(body, for: operation).map { problem in
        LuaValue.table(
          LuaTable(fields: [
            "field": .text(problem.field), "code": .text(problem.code), "message": .text(problem.message),
          ]))
      }
      try call.push(.table(LuaTable(array: problems)))
      return 1
    }
    module.setFunction("spec.write_only_fields") { call in
      try pushFieldNames(call, function: "te.spec.write_only_fields") { schema, table in
        schema.isWriteOnly || table.resolve(schema).isWriteOnly
      }
    }
    module.setFunction("spec.writable_fields") { call in
      try pushFieldNames(call, function: "te.spec.writable_fields") { schema, table in
        !RequestShape.isReadOnly(schema, table)
      }
    }
  }

  /// The HTTP method and path of arguments 1 and 2.
  /// Pushes the sorted names of the request-body fields of the operation `method path` (the
  /// call's arguments) whose schema `includes`; nil when the operation takes no body.
  private static func pushFieldNames(
    _ call: LuaCallContext, function: String,
    where includes: (RequestSchema, RequestSchemaTable) -> Bool
  ) throws -> Int32 {
    let (method, path) = try methodAndPath(call, function: function)
    let table = RequestSchemaTable.shared
    guard let operation = Catalog.match(method: method, path: path), let entry = table.body(of: operation.id)
    else {
      try call.push(.nil)
      return 1
    }
    let properties = table.resolve(entry.body).properties ?? [:]
    let names = properties.filter { includes($0.value, table) }.keys.sorted()
    try call.push(.table(LuaTable(array: names.map { .text($0) })))
    return 1
  }

  private static func methodAndPath(_ call: LuaCallContext, function: String) throws -> (
    HTTPMethodName, String
  ) {
    let methodName = try call.string(1).uppercased()
    let path = try call.string(2)
    guard let method = HTTPMethodName(rawValue: methodName) else {
      throw LuaScriptError("\(function): '\(methodName)' is not an HTTP method")
    }
    return (method, path)
  }
}
