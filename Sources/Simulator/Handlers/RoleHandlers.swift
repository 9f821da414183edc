import Foundation

/// `/roles` (all operations) and `/permissions`.
enum RoleHandlers {
  static let routes: [Route] = [
    Route("GET", "/roles", "getRoles", list),
    Route("POST", "/roles", "createRole", create),
    Route("GET", "/roles/{id}", "getRole", get),
    Route("PUT", "/roles/{id}", "updateRole", update),
    Route("DELETE", "/roles/{id}", "deleteRole", delete),
    Route("GET", "/permissions", "getPermissions", permissions),
  ]

  static func summary(_ role: RoleRecord) -> JSONValue {
    .object([
      ("name", .string(role.name)), ("roleId", .string(role.roleId)), ("isBuiltin", .bool(role.isBuiltin)),
      (
        "hasManagementPermissions",
        .bool(role.permissionIds.contains { Int($0).map { $0 >= 1009 && $0 <= 1014 } ?? false })
      ),
    ])
  }

  static func permission(_ p: PermissionRecord) -> JSONValue {
    .object([
      ("label", .string(p.label)), ("permissionId", .string(p.permissionId)),
      ("isManagementPermission", .bool(p.isManagement)), ("permission", .string(p.permission)),
    ])
  }

  static func detail(_ role: RoleRecord, _ state: World.State, _ request: SimRequest) -> JSONValue {
    var o = JSONObject()
    o["name"] = .string(role.name)
    o["roleId"] = .string(role.roleId)
    o["isBuiltin"] = .bool(role.isBuiltin)
    o["permissions"] = .array(
      role.permissionIds.compactMap { id in state.permissions.first { $0.permissionId == id } }.map(
        permission))
    return Render.withSelf(o, request.link("/roles/\(role.roleId)"))
  }

  static func find(_ state: World.State, _ id: String) throws -> Int {
    guard let index = state.roles.firstIndex(where: { $0.roleId == id }) else {
      throw APIError.notFound("Role \(id) not found.")
    }
    return index
  }

  static func list(_ request: SimRequest, _ world: World) throws -> SimResponse {
    world.read { state in
      let roles = state.roles.map { role -> JSONValue in
        guard case .object(var members) = summary(role) else { return summary(role) }
        members.append(("_links", Render.selfLinks(request.link("/roles/\(role.roleId)"))))
        return .object(members)
      }
      return .hal(.object([("roles", .array(roles)), ("_links", Render.selfLinks(request.link("/roles")))]))
    }
  }

  static func apply(_ body: JSONObject, to role: inout RoleRecord, _ state: World.State) throws {
    var errors: [APIError.FieldError] = []
    if let name = body["name"]?.stringValue {
      if name.trimmingCharacters(in: .whitespaces).isEmpty {
        errors.append(.init(code: "INVALID_VALUE", field: "name", message: "name must not be empty."))
      } else if state.roles.contains(where: {
        $0.name.lowercased() == name.lowercased() && $0.roleId != role.roleId
      }) {
        errors.append(
          .init(code: "DUPLICATE", field: "name", message: "A role named \(name) already exists."))
      }
      role.name = name
    }
    if let ids = Render.stringArray(body, "permissions") {
      for (k, id) in ids.enumerated() where !state.permissions.contains(where: { $0.permissionId == id }) {
        errors.append(
          .init(
            code: "INVALID_VALUE", field: "permissions[\(k)]", message: "Permission \(id) does not exist."))
      }
      role.permissionIds = ids
    }
    if !errors.isEmpty {
      throw APIError.badRequest("Your request object contains invalid fields.", errors: errors)
    }
  }

  static func create(_ request: SimRequest, _ world: World) throws -> SimResponse {
    let body = try Render.bodyObject(request)
    guard body["name"] != nil else {
      throw APIError.badRequest(
        "Your request object is missing fields.",
        errors: [.init(code: "REQUIRED", field: "name", message: "name is required.")])
    }
    return try world.write { state in
      var role = RoleRecord(
        roleId: state.newId("role", start: 100), name: "", isBuiltin: false, permissionIds: [])
      try apply(body, to: &role, state)
      state.roles.append(role)
      return .created(detail(role, state, request), location: request.link("/roles/\(role.roleId)"))
    }
  }

  static func get(_ request: SimRequest, _ world: World) throws -> SimResponse {
    try world.read { state in
      .hal(detail(state.roles[try find(state, request.parameter("id"))], state, request))
    }
  }

  static func update(_ request: SimRequest, _ world: World) throws -> SimResponse {
    let body = try Render.bodyObject(request)
    return try world.write { state in
      let index = try find(state, request.parameter("id"))
      if state.roles[index].isBuiltin {
        throw APIError.badRequest("Built-in role \(state.roles[index].name) cannot be changed.")
      }
      var role = state.roles[index]
      try apply(body, to: &role, state)
      state.roles[index] = role
      return .hal(detail(role, state, request))
    }
  }

  static func delete(_ request: SimRequest, _ world: World) throws -> SimResponse {
    try world.write { state in
      let index = try find(state, request.parameter("id"))
      let role = state.roles[index]
      if role.isBuiltin { throw APIError.badRequest("Built-in role \(role.name) cannot be deleted.") }
      state.roles.remove(at: index)
      for i in state.users.indices {
        for k in state.users[i].accountGroupRoles.indices {
          state.users[i].accountGroupRoles[k].roleIds.removeAll { $0 == role.roleId }
        }
        // A user left with no role in a group is no longer in it.
        state.users[i].accountGroupRoles.removeAll { $0.roleIds.isEmpty }
        state.users[i].allAccountGroupRoleIds.removeAll { $0 == role.roleId }
      }
      return .noContent
    }
  }

  static func permissions(_ request: SimRequest, _ world: World) throws -> SimResponse {
    world.read { state in
      .hal(
        .object([
          ("permissions", .array(state.permissions.map(permission))),
          ("_links", Render.selfLinks(request.link("/permissions"))),
        ]))
    }
  }
}
