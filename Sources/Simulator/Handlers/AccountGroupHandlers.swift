import Foundation

/// `/account-groups`: list, create, get, update, delete.
enum AccountGroupHandlers {
  static let routes: [Route] = [
    Route("GET", "/account-groups", "getAccountGroups", list),
    Route("POST", "/account-groups", "createAccountGroup", create),
    Route("GET", "/account-groups/{id}", "getAccountGroup", get),
    Route("PUT", "/account-groups/{id}", "updateAccountGroup", update),
    Route("DELETE", "/account-groups/{id}", "deleteAccountGroup", delete),
  ]

  static func info(_ group: AccountGroupRecord, _ state: World.State, current: String) -> JSONObject {
    var o = JSONObject()
    o["aid"] = .string(group.aid)
    o["accountGroupName"] = .string(group.name)
    o["isCurrentAccountGroup"] = .bool(group.aid == current)
    o["isDefaultAccountGroup"] = .bool(group.isDefault)
    o["organizationName"] = .string(state.organizationName)
    o["orgId"] = .string(state.orgId)
    return o
  }

  static func detail(_ group: AccountGroupRecord, _ state: World.State, _ request: SimRequest) -> JSONValue {
    var o = info(group, state, current: request.aid)
    o["users"] = .array(
      state.users.filter { user in user.accountGroupRoles.contains { $0.aid == group.aid } }.map { user in
        let roleIds = user.accountGroupRoles.first { $0.aid == group.aid }?.roleIds ?? []
        return .object([
          ("name", .string(user.name)), ("email", .string(user.email)), ("uid", .string(user.uid)),
          ("lastLogin", .string(user.lastLogin)), ("dateRegistered", .string(user.dateRegistered)),
          ("roles", .array(roleIds.compactMap { state.role($0) }.map(RoleHandlers.summary))),
        ])
      })
    if Render.list(request, "expand").contains("agent") {
      o["agents"] = .array(
        state.agents.filter { $0.agentType == "enterprise" && $0.aids.contains(group.aid) }.map {
          AgentHandlers.render($0, state, request, detail: false)
        })
    }
    return Render.withSelf(o, request.link("/account-groups/\(group.aid)"))
  }

  static func visibleGroups(_ state: World.State) -> [AccountGroupRecord] {
    guard let user = state.currentUser else { return [] }
    return state.accountGroups.filter { user.isMember(of: $0.aid) }
  }

  static func find(_ state: World.State, _ id: String) throws -> AccountGroupRecord {
    guard let group = visibleGroups(state).first(where: { $0.aid == id }) else {
      throw APIError.notFound("Account group \(id) not found.")
    }
    return group
  }

  static func list(_ request: SimRequest, _ world: World) throws -> SimResponse {
    world.read { state in
      let groups = visibleGroups(state).map { info($0, state, current: request.aid).value }
      return .hal(
        .object([
          ("accountGroups", .array(groups)), ("_links", Render.selfLinks(request.link("/account-groups"))),
        ]))
    }
  }

  static func create(_ request: SimRequest, _ world: World) throws -> SimResponse {
    let body = try Render.bodyObject(request)
    let name = body["accountGroupName"]?.stringValue ?? ""
    return try world.write { state in
      if state.accountGroups.contains(where: { $0.name == name }) {
        throw APIError.badRequest(
          "An account group named \(name) already exists.",
          errors: [
            .init(code: "DUPLICATE", field: "accountGroupName", message: "The name is already in use.")
          ])
      }
      let agentIds = Render.stringArray(body, "agents") ?? []
      try AgentHandlers.checkEnterpriseAgents(agentIds, state)
      let aid = state.newId("aid", start: 10000)
      let group = AccountGroupRecord(aid: aid, name: name, isDefault: false)
      state.accountGroups.append(group)
      if let index = state.users.firstIndex(where: { $0.uid == state.currentUid }) {
        state.users[index].accountGroupRoles.append((aid: aid, roleIds: ["1"]))
      }
      for id in agentIds {
        if let i = state.agents.firstIndex(where: { $0.agentId == id }) { state.agents[i].aids.append(aid) }
      }
      let location = request.link("/account-groups/\(aid)")
      return .created(detail(group, state, request), location: location)
    }
  }

  static func get(_ request: SimRequest, _ world: World) throws -> SimResponse {
    try world.read { state in
      .hal(detail(try find(state, request.parameter("id")), state, request))
    }
  }

  static func update(_ request: SimRequest, _ world: World) throws -> SimResponse {
    let body = try Render.bodyObject(request)
    return try world.write { state in
      let group = try find(state, request.parameter("id"))
      guard let index = state.accountGroups.firstIndex(where: { $0.aid == group.aid }) else {
        throw APIError.notFound("Account group \(group.aid) not found.")
      }
      if let name = body["accountGroupName"]?.stringValue {
        if state.accountGroups.contains(where: { $0.name == name && $0.aid != group.aid }) {
          throw APIError.badRequest(
            "An account group named \(name) already exists.",
            errors: [
              .init(code: "DUPLICATE", field: "accountGroupName", message: "The name is already in use.")
            ])
        }
        state.accountGroups[index].name = name
      }
      if let agentIds = Render.stringArray(body, "agents") {
        try AgentHandlers.checkEnterpriseAgents(agentIds, state)
        for i in state.agents.indices where state.agents[i].agentType == "enterprise" {
          state.agents[i].aids.removeAll { $0 == group.aid }
          if agentIds.contains(state.agents[i].agentId) { state.agents[i].aids.append(group.aid) }
        }
      }
      return .hal(detail(state.accountGroups[index], state, request))
    }
  }

  static func delete(_ request: SimRequest, _ world: World) throws -> SimResponse {
    try world.write { state in
      let group = try find(state, request.parameter("id"))
      if group.isDefault {
        throw APIError.badRequest("The default account group cannot be deleted.")
      }
      if state.users.contains(where: { $0.loginAid == group.aid }) {
        throw APIError.badRequest(
          "Account group \(group.aid) is the login account group of some users; move them first.")
      }
      state.accountGroups.removeAll { $0.aid == group.aid }
      for i in state.users.indices { state.users[i].accountGroupRoles.removeAll { $0.aid == group.aid } }
      state.tests.removeAll { $0.aid == group.aid }
      state.alertRules.removeAll { $0.aid == group.aid }
      state.alerts.removeAll { $0.aid == group.aid }
      state.suppressionWindows.removeAll { $0.aid == group.aid }
      state.endpointAgents.removeAll { $0.aid == group.aid }
      for i in state.agents.indices { state.agents[i].aids.removeAll { $0 == group.aid } }
      return .noContent
    }
  }
}
