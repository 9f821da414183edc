import Foundation

/// `/users`: list, create, get, update, delete, current.
enum UserHandlers {
  static let routes: [Route] = [
    Route("GET", "/users", "getUsers", list),
    Route("POST", "/users", "createUser", create),
    Route("GET", "/users/current", "getCurrentUser", current),
    Route("GET", "/users/{id}", "getUser", get),
    Route("PUT", "/users/{id}", "updateUser", update),
    Route("DELETE", "/users/{id}", "deleteUser", delete),
  ]

  static func groupRef(_ aid: String, _ state: World.State) -> JSONValue {
    .object([("aid", .string(aid)), ("accountGroupName", .string(state.accountGroup(aid)?.name ?? ""))])
  }

  /// The fields a user's summary and detail start with, in the spec's order.
  private static func identity(_ user: UserRecord, _ state: World.State) -> JSONObject {
    var o = JSONObject()
    o["name"] = .string(user.name)
    o["email"] = .string(user.email)
    o["uid"] = .string(user.uid)
    o["dateRegistered"] = .string(user.dateRegistered)
    o["loginAccountGroup"] = groupRef(user.loginAid, state)
    return o
  }

  static func summary(_ user: UserRecord, _ state: World.State, _ request: SimRequest) -> JSONValue {
    var o = identity(user, state)
    o["lastLogin"] = .string(user.lastLogin)
    return Render.withSelf(o, request.link("/users/\(user.uid)"))
  }

  static func detail(_ user: UserRecord, _ state: World.State, _ request: SimRequest, withLogin: Bool = true)
    -> JSONValue
  {
    var o = identity(user, state)
    if withLogin { o["lastLogin"] = .string(user.lastLogin) }
    o["accountGroupRoles"] = .array(
      user.accountGroupRoles.map { entry in
        .object([
          ("accountGroup", groupRef(entry.aid, state)),
          ("roles", .array(entry.roleIds.compactMap { state.role($0) }.map(RoleHandlers.summary))),
        ])
      })
    o["allAccountGroupRoles"] = .array(
      user.allAccountGroupRoleIds.compactMap { state.role($0) }.map(RoleHandlers.summary))
    return Render.withSelf(o, request.link("/users/\(user.uid)"))
  }

  static func inGroup(_ user: UserRecord, _ aid: String) -> Bool {
    user.loginAid == aid || user.accountGroupRoles.contains { $0.aid == aid }
      || !user.allAccountGroupRoleIds.isEmpty
  }

  static func find(_ state: World.State, _ request: SimRequest) throws -> Int {
    let id = request.parameter("id")
    guard let index = state.users.firstIndex(where: { $0.uid == id && inGroup($0, request.aid) }) else {
      throw APIError.notFound("User \(id) not found in account group \(request.aid).")
    }
    return index
  }

  static func list(_ request: SimRequest, _ world: World) throws -> SimResponse {
    world.read { state in
      let users = state.users.filter { inGroup($0, request.aid) }.map { summary($0, state, request) }
      return .hal(.object([("users", .array(users)), ("_links", Render.selfLinks(request.link("/users")))]))
    }
  }

  static func current(_ request: SimRequest, _ world: World) throws -> SimResponse {
    try world.read { state in
      guard let user = state.currentUser else {
        throw APIError.notFound("The current user no longer exists.")
      }
      var doc = detail(user, state, request)
      if case .object(var members) = doc, let i = members.firstIndex(where: { $0.0 == "_links" }) {
        members[i].1 = Render.selfLinks(request.link("/users/current"))
        doc = .object(members)
      }
      return .hal(doc)
    }
  }

  static func get(_ request: SimRequest, _ world: World) throws -> SimResponse {
    try world.read { state in
      .hal(detail(state.users[try find(state, request)], state, request))
    }
  }

  /// Applies the fields of a UserRequest to `user`, checking references.
  static func apply(_ body: JSONObject, to user: inout UserRecord, _ state: World.State) throws {
    var errors: [APIError.FieldError] = []
    if let name = body["name"]?.stringValue {
      if name.trimmingCharacters(in: .whitespaces).isEmpty {
        errors.append(.init(code: "INVALID_VALUE", field: "name", message: "name must not be empty."))
      }
      user.name = name
    }
    if let email = body["email"]?.stringValue {
      // The address's form is checked with the schema (format: email).
      if state.users.contains(where: {
        $0.email.lowercased() == email.lowercased() && $0.uid != user.uid
      }) {
        errors.append(
          .init(code: "DUPLICATE", field: "email", message: "A user with email \(email) already exists."))
      }
      user.email = email
    }
    let visible = Set(AccountGroupHandlers.visibleGroups(state).map(\.aid))
    if let entries = body["accountGroupRoles"]?.arrayValue {
      var roles: [(aid: String, roleIds: [String])] = []
      for (n, entry) in entries.enumerated() {
        let aid = entry["accountGroupId"]?.stringValue ?? ""
        if !visible.contains(aid) {
          errors.append(
            .init(
              code: "INVALID_VALUE", field: "accountGroupRoles[\(n)].accountGroupId",
              message: "Account group \(aid) does not exist."))
        }
        let roleIds = entry["roleIds"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for (k, roleId) in roleIds.enumerated() where state.role(roleId) == nil {
          errors.append(
            .init(
              code: "INVALID_VALUE", field: "accountGroupRoles[\(n)].roleIds[\(k)]",
              message: "Role \(roleId) does not exist."))
        }
        // A group given no roles is one the user is not in (as when every role is taken away).
        if !roleIds.isEmpty { roles.append((aid: aid, roleIds: roleIds)) }
      }
      user.accountGroupRoles = roles
    }
    if let ids = body["allAccountGroupRoleIds"]?.arrayValue?.compactMap(\.stringValue) {
      for (k, roleId) in ids.enumerated() where state.role(roleId) == nil {
        errors.append(
          .init(
            code: "INVALID_VALUE", field: "allAccountGroupRoleIds[\(k)]",
            message: "Role \(roleId) does not exist."))
      }
      user.allAccountGroupRoleIds = ids
    }
    if let aid = body["loginAccountGroupId"]?.stringValue {
      if !visible.contains(aid) {
        errors.append(
          .init(
            code: "INVALID_VALUE", field: "loginAccountGroupId",
            message: "Account group \(aid) does not exist."))
      }
      user.loginAid = aid
    }
    if !errors.isEmpty {
      throw APIError.badRequest("Your request object contains invalid fields.", errors: errors)
    }
  }

  static func create(_ request: SimRequest, _ world: World) throws -> SimResponse {
    let body = try Render.bodyObject(request)
    var missing: [APIError.FieldError] = []
    for field in ["name", "email"] where body[field] == nil {
      missing.append(.init(code: "REQUIRED", field: field, message: "\(field) is required."))
    }
    if body["accountGroupRoles"] == nil && body["allAccountGroupRoleIds"] == nil {
      missing.append(
        .init(
          code: "REQUIRED", field: "accountGroupRoles",
          message: "accountGroupRoles or allAccountGroupRoleIds is required."))
    }
    if !missing.isEmpty {
      throw APIError.badRequest("Your request object is missing fields.", errors: missing)
    }
    return try world.write { state in
      let now = ISODate.format(Int(Date.nowEpoch))
      var user = UserRecord(
        uid: state.newId("uid", start: 5000), name: "", email: "", dateRegistered: now, lastLogin: now,
        loginAid: request.aid, accountGroupRoles: [])
      try apply(body, to: &user, state)
      state.users.append(user)
      return .created(
        detail(user, state, request, withLogin: false), location: request.link("/users/\(user.uid)"))
    }
  }

  static func update(_ request: SimRequest, _ world: World) throws -> SimResponse {
    let body = try Render.bodyObject(request)
    return try world.write { state in
      let index = try find(state, request)
      var user = state.users[index]
      try apply(body, to: &user, state)
      state.users[index] = user
      return .hal(detail(user, state, request))
    }
  }

  static func delete(_ request: SimRequest, _ world: World) throws -> SimResponse {
    try world.write { state in
      let index = try find(state, request)
      if state.users[index].uid == state.currentUid {
        throw APIError.badRequest("You cannot delete your own user.")
      }
      state.users.remove(at: index)
      return .noContent
    }
  }
}
