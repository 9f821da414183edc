/// `/agents`: list (with `agentTypes`), get, update, delete.
enum AgentHandlers {
  static let routes: [Route] = [
    Route("GET", "/agents", "getAgents", list),
    Route("GET", "/agents/{agentId}", "getAgent", get),
    Route("PUT", "/agents/{agentId}", "updateAgent", update),
    Route("DELETE", "/agents/{agentId}", "deleteAgent", delete),
  ]

  /// Renders an agent as the list (`detail: false`) or the detail view.
  static func render(_ agent: AgentRecord, _ state: World.State, _ request: SimRequest, detail: Bool)
    -> JSONValue
  {
    var o = JSONObject()
    o["agentId"] = .string(agent.agentId)
    o["agentName"] = .string(agent.agentName)
    o["agentType"] = .string(agent.agentType)
    o["location"] = .string(agent.location)
    o["countryId"] = .string(agent.countryId)
    o["coordinates"] = .object([
      ("latitude", .double(agent.latitude)), ("longitude", .double(agent.longitude)),
    ])
    o["ipAddresses"] = Render.strings(agent.ipAddresses)
    o["publicIpAddresses"] = Render.strings(agent.publicIpAddresses)
    o["network"] = .string(agent.network)
    o["prefix"] = .string(agent.prefix)
    o["enabled"] = .bool(agent.enabled)
    o["verifySslCertificates"] = true
    if agent.agentType == "enterprise" {
      o["hostname"] = .string(agent.hostname)
      o["agentState"] = .string(agent.enabled ? "online" : "disabled")
      o["lastSeen"] = .string(ISODate.format(state.epoch))
      o["createdDate"] = .string(agent.createdDate)
      o["ipv6Policy"] = .string(agent.ipv6Policy)
      o["keepBrowserCache"] = .bool(agent.keepBrowserCache)
      if let target = agent.targetForTests { o["targetForTests"] = .string(target) }
      o["utilization"] = .int(Int(Mix.hash(agent.agentId) % 60))
      o["accountGroups"] = .array(agent.aids.map { UserHandlers.groupRef($0, state) })
    }
    if detail {
      let tests = state.tests.filter { $0.aid == request.aid && $0.agentIds.contains(agent.agentId) }
      if agent.agentType == "enterprise" { o["testIds"] = .array(tests.map { .string($0.testId) }) }
      o["tests"] = .array(tests.map { TestHandlers.simple($0, request) })
    }
    return Render.withSelf(o, request.link("/agents/\(agent.agentId)"))
  }

  static func checkEnterpriseAgents(_ ids: [String], _ state: World.State, field: String = "agents") throws {
    var errors: [APIError.FieldError] = []
    for (n, id) in ids.enumerated()
    where !state.agents.contains(where: { $0.agentId == id && $0.agentType == "enterprise" }) {
      errors.append(
        .init(
          code: "INVALID_VALUE", field: "\(field)[\(n)]", message: "Enterprise Agent \(id) does not exist."))
    }
    if !errors.isEmpty {
      throw APIError.badRequest("Your request object contains invalid fields.", errors: errors)
    }
  }

  static func find(_ state: World.State, _ request: SimRequest) throws -> Int {
    let id = request.parameter("agentId")
    guard let index = state.agents.firstIndex(where: { $0.agentId == id && $0.isVisible(in: request.aid) })
    else {
      throw APIError.notFound("Agent \(id) not found.")
    }
    return index
  }

  static func list(_ request: SimRequest, _ world: World) throws -> SimResponse {
    let types = Render.list(request, "agentTypes")
    let known = ["cloud", "enterprise", "enterprise-cluster"]
    if let bad = types.first(where: { !known.contains($0) }) {
      throw APIError.badRequest(
        "Invalid agentTypes value.",
        errors: [
          .init(
            code: "INVALID_VALUE", field: "agentTypes",
            message: "\(bad) is not one of: cloud, enterprise, enterprise-cluster.")
        ])
    }
    return world.read { state in
      let agents = state.agents.filter {
        $0.isVisible(in: request.aid) && (types.isEmpty || types.contains($0.agentType))
      }
      return .hal(
        .object([
          ("agents", .array(agents.map { render($0, state, request, detail: false) })),
          ("_links", Render.selfLinks(request.link("/agents"))),
        ]))
    }
  }

  static func get(_ request: SimRequest, _ world: World) throws -> SimResponse {
    try world.read { state in
      .hal(render(state.agents[try find(state, request)], state, request, detail: true))
    }
  }

  static func update(_ request: SimRequest, _ world: World) throws -> SimResponse {
    let body = try Render.bodyObject(request)
    return try world.write { state in
      let index = try find(state, request)
      var agent = state.agents[index]
      guard agent.agentType == "enterprise" else {
        throw APIError.badRequest(
          "Cloud Agent \(agent.agentId) is managed by ThousandEyes and cannot be updated.")
      }
      if let name = body["agentName"]?.stringValue {
        guard !name.isEmpty else {
          throw APIError.badRequest(
            "Invalid agentName.",
            errors: [
              .init(code: "INVALID_VALUE", field: "agentName", message: "agentName must not be empty.")
            ])
        }
        agent.agentName = name
      }
      if case .bool(let enabled)? = body["enabled"] { agent.enabled = enabled }
      if let policy = body["ipv6Policy"]?.stringValue { agent.ipv6Policy = policy }
      if case .bool(let keep)? = body["keepBrowserCache"] { agent.keepBrowserCache = keep }
      if let target = body["targetForTests"]?.stringValue { agent.targetForTests = target }
      if let aids = Render.stringArray(body, "accountGroups") {
        let visible = Set(AccountGroupHandlers.visibleGroups(state).map(\.aid))
        if let bad = aids.first(where: { !visible.contains($0) }) {
          throw APIError.badRequest(
            "Invalid accountGroups.",
            errors: [
              .init(
                code: "INVALID_VALUE", field: "accountGroups", message: "Account group \(bad) does not exist."
              )
            ])
        }
        agent.aids = aids
      }
      state.agents[index] = agent
      return .hal(render(agent, state, request, detail: true))
    }
  }

  static func delete(_ request: SimRequest, _ world: World) throws -> SimResponse {
    try world.write { state in
      let index = try find(state, request)
      let agent = state.agents[index]
      guard agent.agentType == "enterprise" else {
        throw APIError.badRequest(
          "Cloud Agent \(agent.agentId) is managed by ThousandEyes and cannot be deleted.")
      }
      state.agents.remove(at: index)
      for i in state.tests.indices { state.tests[i].agentIds.removeAll { $0 == agent.agentId } }
      return .noContent
    }
  }
}
