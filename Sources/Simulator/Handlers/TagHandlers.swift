import Foundation

/// `/tags`: tags and their static assignments to tests. The spec gives these operations
/// `application/json` (not HAL) responses.
///
/// A tag is a `key`/`value` pair for one `objectType`. Only static tags of object type `test`
/// can be assigned here (the simulator has no dashboards, virtual agents or endpoint tests);
/// assigning a tag to an object of another type than the tag's is refused.
enum TagHandlers {
  static let routes: [Route] = [
    Route("GET", "/tags", "getTags", list),
    Route("POST", "/tags", "createTag", create),
    Route("POST", "/tags/bulk", "createTags", createBulk),
    Route("GET", "/tags/{id}", "getTag", get),
    Route("PUT", "/tags/{id}", "updateTag", update),
    Route("DELETE", "/tags/{id}", "deleteTag", delete),
    Route("POST", "/tags/assign", "assignTags", assignMany(remove: false)),
    Route("POST", "/tags/unassign", "unassignTags", assignMany(remove: true)),
    Route("POST", "/tags/{id}/assign", "assignTag", assignOne(remove: false)),
    Route("POST", "/tags/{id}/unassign", "unassignTag", assignOne(remove: true)),
  ]

  /// Fields a request may set; the rest of `TagInfo` is read-only.
  static let settable = ["key", "value", "objectType", "color", "icon", "description", "accessType", "type"]

  static func render(_ tag: TagRecord, _ request: SimRequest, assignments: Bool) -> JSONValue {
    var o = JSONObject()
    o["id"] = .string(tag.id)
    o["aid"] = .int(Int(tag.aid) ?? 0)
    for name in settable { if let value = tag.fields[name] { o[name] = value } }
    o["builtIn"] = false
    o["createDate"] = .string(tag.createDate)
    if let modified = tag.modifiedDate { o["modifiedDate"] = .string(modified) }
    if assignments { o["assignments"] = renderAssignments(tag.assignments) }
    return Render.withSelf(o, request.link("/tags/\(tag.id)"))
  }

  static func renderAssignments(_ assignments: [TagRecord.Assignment]) -> JSONValue {
    .array(assignments.map { .object([("id", .string($0.id)), ("type", .string($0.type))]) })
  }

  static func expandsAssignments(_ request: SimRequest) -> Bool {
    Render.list(request, "expand").contains("assignments")
  }

  static func find(_ state: World.State, _ request: SimRequest, id: String? = nil) throws -> Int {
    let id = id ?? request.parameter("id")
    guard let index = state.tags.firstIndex(where: { $0.id == id && $0.aid == request.aid }) else {
      throw APIError.notFound("Tag \(id) not found.")
    }
    return index
  }

  static func list(_ request: SimRequest, _ world: World) throws -> SimResponse {
    world.read { state in
      let expand = expandsAssignments(request)
      let tags = state.tags.filter { $0.aid == request.aid }.map { render($0, request, assignments: expand) }
      return .json(.object([("tags", .array(tags)), ("_links", Render.selfLinks(request.link("/tags")))]))
    }
  }

  static func get(_ request: SimRequest, _ world: World) throws -> SimResponse {
    try world.read { state in
      .json(render(state.tags[try find(state, request)], request, assignments: expandsAssignments(request)))
    }
  }

  /// The problems of a new tag `body` in account group `aid`: missing fields, or a tag with the
  /// same key, value and object type already there (`conflict`).
  static func problems(_ body: JSONObject, _ state: World.State, aid: String, prefix: String = "")
    -> (errors: [APIError.FieldError], conflict: Bool)
  {
    var errors: [APIError.FieldError] = []
    for field in ["key", "value", "objectType"] where body[field]?.stringValue?.isEmpty ?? true {
      errors.append(.init(code: "REQUIRED", field: prefix + field, message: "\(field) is required."))
    }
    if body["type"]?.stringValue == "dynamic" && body["objectType"]?.stringValue != "endpoint-agent" {
      errors.append(
        .init(
          code: "INVALID_VALUE", field: prefix + "type",
          message: "Only endpoint-agent tags can be dynamic."))
    }
    let conflict =
      errors.isEmpty
      && state.tags.contains {
        $0.aid == aid && $0.fields["key"] == body["key"] && $0.fields["value"] == body["value"]
          && $0.fields["objectType"] == body["objectType"]
      }
    return (errors, conflict)
  }

  static func newTag(_ body: JSONObject, _ state: World.State, aid: String) -> TagRecord {
    let n = state.newId("tag", start: 1)
    var tag = TagRecord(
      id: WorldSeeder.uuid(Mix.hash(0x7A6, UInt64(n) ?? 0)), aid: aid, fields: JSONObject(),
      createDate: ISODate.format(Int(Date.nowEpoch)), modifiedDate: nil, assignments: [])
    for name in settable { if let value = body[name] { tag.fields[name] = value } }
    if tag.fields["type"] == nil { tag.fields["type"] = "static" }
    if tag.fields["accessType"] == nil { tag.fields["accessType"] = "all" }
    return tag
  }

  static func conflict(_ body: JSONObject) -> APIError {
    APIError(
      status: 409, title: "Conflict",
      detail:
        "A tag \(body["key"]?.stringValue ?? ""):\(body["value"]?.stringValue ?? "") for \(body["objectType"]?.stringValue ?? "") objects already exists."
    )
  }

  static func create(_ request: SimRequest, _ world: World) throws -> SimResponse {
    let body = try Render.bodyObject(request)
    return try world.write { state in
      let (errors, conflict) = problems(body, state, aid: request.aid)
      if !errors.isEmpty {
        throw APIError.badRequest("Your request object is missing fields.", errors: errors)
      }
      if conflict { throw Self.conflict(body) }
      let tag = newTag(body, state, aid: request.aid)
      state.tags.append(tag)
      var response = SimResponse.json(render(tag, request, assignments: false), status: 201)
      response.headers.append(("Location", request.link("/tags/\(tag.id)")))
      return response
    }
  }

  /// Creates each tag of `tags`; the response lists those created and, under `errors`, those not.
  static func createBulk(_ request: SimRequest, _ world: World) throws -> SimResponse {
    let body = try Render.bodyObject(request)
    guard let items = body["tags"]?.arrayValue else {
      throw APIError.badRequest(
        "Your request object is missing fields.",
        errors: [.init(code: "REQUIRED", field: "tags", message: "tags is required.")])
    }
    return world.write { state in
      var created: [JSONValue] = []
      var failed: [JSONValue] = []
      for (n, item) in items.enumerated() {
        let tagBody = JSONObject(item.objectMembers ?? [])
        let (errors, conflict) = problems(tagBody, state, aid: request.aid, prefix: "tags[\(n)].")
        if let error = errors.first {
          failed.append(.object([("responseCode", .int(400)), ("message", .string(error.message))]))
        } else if conflict {
          failed.append(
            .object([("responseCode", .int(409)), ("message", .string(Self.conflict(tagBody).detail))]))
        } else {
          let tag = newTag(tagBody, state, aid: request.aid)
          state.tags.append(tag)
          created.append(render(tag, request, assignments: false))
        }
      }
      return .json(
        .object([
          ("tags", .array(created)), ("errors", .array(failed)),
          ("_links", Render.selfLinks(request.link("/tags/bulk"))),
        ]), status: 207)
    }
  }

  static func update(_ request: SimRequest, _ world: World) throws -> SimResponse {
    let body = try Render.bodyObject(request)
    return try world.write { state in
      let index = try find(state, request)
      var tag = state.tags[index]
      for name in settable { if let value = body[name] { tag.fields[name] = value } }
      let (errors, conflict) = problems(tag.fields, state, aid: request.aid)
      if !errors.isEmpty {
        throw APIError.badRequest("Your request object contains invalid fields.", errors: errors)
      }
      if conflict && !sameIdentity(tag, state.tags[index]) {
        throw APIError.badRequest(
          "Your request object contains invalid fields.",
          errors: [.init(code: "DUPLICATE", field: "value", message: Self.conflict(tag.fields).detail)])
      }
      if !tag.assignments.isEmpty && tag.fields["objectType"] != state.tags[index].fields["objectType"] {
        throw APIError.badRequest(
          "Your request object contains invalid fields.",
          errors: [
            .init(
              code: "INVALID_VALUE", field: "objectType",
              message: "The object type of a tag with assignments cannot change.")
          ])
      }
      tag.modifiedDate = ISODate.format(Int(Date.nowEpoch))
      state.tags[index] = tag
      return .json(render(tag, request, assignments: false))
    }
  }

  private static func sameIdentity(_ a: TagRecord, _ b: TagRecord) -> Bool {
    a.fields["key"] == b.fields["key"] && a.fields["value"] == b.fields["value"]
      && a.fields["objectType"] == b.fields["objectType"]
  }

  static func delete(_ request: SimRequest, _ world: World) throws -> SimResponse {
    try world.write { state in
      state.tags.remove(at: try find(state, request))
      return .noContent
    }
  }

  /// The assignments listed under `field` of `object`, checked against the tag and the world.
  static func assignments(
    _ object: JSONObject, field: String, tag: TagRecord, _ state: World.State,
    errors: inout [APIError.FieldError]
  ) -> [TagRecord.Assignment] {
    guard let items = object["assignments"]?.arrayValue else {
      errors.append(.init(code: "REQUIRED", field: field, message: "assignments is required."))
      return []
    }
    var result: [TagRecord.Assignment] = []
    let objectType = tag.fields["objectType"]?.stringValue ?? ""
    for (n, item) in items.enumerated() {
      let id = item["id"]?.stringValue ?? ""
      let type = item["type"]?.stringValue ?? ""
      if type != objectType {
        errors.append(
          .init(
            code: "INVALID_VALUE", field: "\(field)[\(n)].type",
            message:
              "Tag \(tag.id) is for \(objectType) objects, not \(type.isEmpty ? "untyped" : type) objects."))
      } else if type != "test" || !state.tests.contains(where: { $0.testId == id && $0.aid == tag.aid }) {
        errors.append(
          .init(code: "INVALID_VALUE", field: "\(field)[\(n)].id", message: "\(type) \(id) does not exist."))
      } else {
        result.append(.init(id: id, type: type))
      }
    }
    return result
  }

  static func change(_ tag: inout TagRecord, _ list: [TagRecord.Assignment], remove: Bool) {
    for assignment in list {
      let has = tag.assignments.contains(assignment)
      if remove && has { tag.assignments.removeAll { $0 == assignment } }
      if !remove && !has { tag.assignments.append(assignment) }
    }
  }

  /// `POST /tags/assign` and `/tags/unassign`: several tags, each with its objects; all or nothing.
  static func assignMany(remove: Bool) -> Handler {
    { request, world in
      let body = try Render.bodyObject(request)
      guard let items = body["tags"]?.arrayValue else {
        throw APIError.badRequest(
          "Your request object is missing fields.",
          errors: [.init(code: "REQUIRED", field: "tags", message: "tags is required.")])
      }
      return try world.write { state in
        var errors: [APIError.FieldError] = []
        var changes: [(Int, [TagRecord.Assignment])] = []
        for (n, item) in items.enumerated() {
          let object = JSONObject(item.objectMembers ?? [])
          let id = object["tagId"]?.stringValue ?? ""
          guard let index = state.tags.firstIndex(where: { $0.id == id && $0.aid == request.aid }) else {
            errors.append(
              .init(code: "INVALID_VALUE", field: "tags[\(n)].tagId", message: "Tag \(id) does not exist."))
            continue
          }
          let list = assignments(
            object, field: "tags[\(n)].assignments", tag: state.tags[index], state, errors: &errors)
          changes.append((index, list))
        }
        if !errors.isEmpty {
          throw APIError.badRequest("Your request object contains invalid fields.", errors: errors)
        }
        var rendered: [JSONValue] = []
        for (index, list) in changes {
          change(&state.tags[index], list, remove: remove)
          rendered.append(
            .object([("tagId", .string(state.tags[index].id)), ("assignments", renderAssignments(list))]))
        }
        let path = remove ? "/tags/unassign" : "/tags/assign"
        return .json(
          .object([("tags", .array(rendered)), ("_links", Render.selfLinks(request.link(path)))]), status: 207
        )
      }
    }
  }

  /// `POST /tags/{id}/assign` and `/tags/{id}/unassign`: one tag, several objects.
  static func assignOne(remove: Bool) -> Handler {
    { request, world in
      let body = try Render.bodyObject(request)
      return try world.write { state in
        let index = try find(state, request)
        var errors: [APIError.FieldError] = []
        let list = assignments(body, field: "assignments", tag: state.tags[index], state, errors: &errors)
        if !errors.isEmpty {
          throw APIError.badRequest("Your request object contains invalid fields.", errors: errors)
        }
        change(&state.tags[index], list, remove: remove)
        if remove { return .noContent }
        let tag = state.tags[index]
        return .json(
          .object([
            ("tagId", .string(tag.id)), ("assignments", renderAssignments(list)),
            ("_links", Render.selfLinks(request.link("/tags/\(tag.id)"))),
          ]), status: 207)
      }
    }
  }
}
