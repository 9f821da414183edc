/// `/alerts/rules`: all operations.
enum AlertRuleHandlers {
  static let routes: [Route] = [
    Route("GET", "/alerts/rules", "getAlertsRules", list),
    Route("POST", "/alerts/rules", "createAlertRule", create),
    Route("GET", "/alerts/rules/{ruleId}", "getAlertRule", get),
    Route("PUT", "/alerts/rules/{ruleId}", "updateAlertRule", update),
    Route("DELETE", "/alerts/rules/{ruleId}", "deleteAlertRule", delete),
  ]

  static func base(_ rule: AlertRuleRecord) -> JSONObject {
    var o = JSONObject()
    o["ruleId"] = .string(rule.ruleId)
    for (name, value) in rule.fields.members where name != "testIds" { o[name] = value }
    return o
  }

  static func render(_ rule: AlertRuleRecord, _ state: World.State, _ request: SimRequest, detail: Bool)
    -> JSONValue
  {
    var o = base(rule)
    if detail {
      o["tests"] = .array(
        rule.testIds.compactMap { id in state.tests.first { $0.testId == id } }.map {
          TestHandlers.simple($0, request)
        })
    }
    o["testIds"] = Render.strings(rule.testIds)
    return Render.withSelf(o, request.link("/alerts/rules/\(rule.ruleId)"))
  }

  static func find(_ state: World.State, _ request: SimRequest) throws -> Int {
    let id = request.parameter("ruleId")
    guard let index = state.alertRules.firstIndex(where: { $0.ruleId == id && $0.aid == request.aid }) else {
      throw APIError.notFound("Alert rule \(id) not found.")
    }
    return index
  }

  static func list(_ request: SimRequest, _ world: World) throws -> SimResponse {
    world.read { state in
      let rules = state.alertRules.filter { $0.aid == request.aid }.map {
        Render.withSelf(base($0), request.link("/alerts/rules/\($0.ruleId)"))
      }
      return .hal(
        .object([("alertRules", .array(rules)), ("_links", Render.selfLinks(request.link("/alerts/rules")))]))
    }
  }

  static func apply(_ body: JSONObject, to rule: inout AlertRuleRecord, _ state: World.State) throws {
    if let ids = Render.stringArray(body, "testIds") {
      var errors: [APIError.FieldError] = []
      for (n, id) in ids.enumerated()
      where !state.tests.contains(where: { $0.testId == id && $0.aid == rule.aid }) {
        errors.append(
          .init(code: "INVALID_VALUE", field: "testIds[\(n)]", message: "Test \(id) does not exist."))
      }
      if !errors.isEmpty {
        throw APIError.badRequest("Your request object contains invalid fields.", errors: errors)
      }
      rule.testIds = ids
    }
    for (name, value) in body.members where name != "testIds" { rule.fields[name] = value }
  }

  static func syncTests(_ rule: AlertRuleRecord, _ state: World.State) {
    for i in state.tests.indices where state.tests[i].aid == rule.aid {
      let listed = rule.testIds.contains(state.tests[i].testId)
      let has = state.tests[i].alertRuleIds.contains(rule.ruleId)
      if listed && !has { state.tests[i].alertRuleIds.append(rule.ruleId) }
      if !listed && has { state.tests[i].alertRuleIds.removeAll { $0 == rule.ruleId } }
    }
  }

  static func create(_ request: SimRequest, _ world: World) throws -> SimResponse {
    let body = try Render.bodyObject(request)
    return try world.write { state in
      var rule = AlertRuleRecord(
        ruleId: state.newId("rule", start: 20000), aid: request.aid, fields: JSONObject(), testIds: [])
      try apply(body, to: &rule, state)
      state.alertRules.append(rule)
      syncTests(rule, state)
      return .created(
        render(rule, state, request, detail: false), location: request.link("/alerts/rules/\(rule.ruleId)"))
    }
  }

  static func get(_ request: SimRequest, _ world: World) throws -> SimResponse {
    try world.read { state in
      .hal(render(state.alertRules[try find(state, request)], state, request, detail: true))
    }
  }

  static func update(_ request: SimRequest, _ world: World) throws -> SimResponse {
    let body = try Render.bodyObject(request)
    return try world.write { state in
      let index = try find(state, request)
      var rule = state.alertRules[index]
      try apply(body, to: &rule, state)
      state.alertRules[index] = rule
      syncTests(rule, state)
      return .hal(render(rule, state, request, detail: false))
    }
  }

  static func delete(_ request: SimRequest, _ world: World) throws -> SimResponse {
    try world.write { state in
      let index = try find(state, request)
      let rule = state.alertRules.remove(at: index)
      for i in state.tests.indices { state.tests[i].alertRuleIds.removeAll { $0 == rule.ruleId } }
      return .noContent
    }
  }
}
