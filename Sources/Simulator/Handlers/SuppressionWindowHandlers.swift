import Foundation

/// `/alert-suppression-windows`: all operations.
enum SuppressionWindowHandlers {
  static let routes: [Route] = [
    Route("GET", "/alert-suppression-windows", "getAlertSuppressionWindows", list),
    Route("POST", "/alert-suppression-windows", "createAlertSuppressionWindow", create),
    Route("GET", "/alert-suppression-windows/{windowId}", "getAlertSuppressionWindow", get),
    Route("PUT", "/alert-suppression-windows/{windowId}", "updateAlertSuppressionWindow", update),
    Route("DELETE", "/alert-suppression-windows/{windowId}", "deleteAlertSuppressionWindow", delete),
  ]

  /// `active`, `inactive` or `ended`, from the schedule and the clock.
  static func status(_ window: SuppressionWindowRecord, now: Int) -> String {
    guard window.fields["isEnabled"] != .bool(false),
      let start = window.fields["startDate"]?.stringValue.flatMap(ISODate.parse)
    else { return "inactive" }
    let duration = window.fields["duration"]?.intValue ?? 0  // seconds, as the spec says
    if window.fields["repeat"] == nil {
      let (end, overflow) = start.addingReportingOverflow(duration)
      if !overflow && now >= end { return "ended" }
      return now >= start ? "active" : "inactive"
    }
    return now >= start && (now - start) % 86400 < duration ? "active" : "inactive"
  }

  static func render(
    _ window: SuppressionWindowRecord, _ state: World.State, _ request: SimRequest, detail: Bool
  )
    -> JSONValue
  {
    var o = JSONObject()
    o["alertSuppressionWindowId"] = .string(window.windowId)
    for (name, value) in window.fields.members { o[name] = value }
    o["status"] = .string(status(window, now: Int(Date.nowEpoch)))
    if detail {
      o["tests"] = .array(
        window.testIds.compactMap { id in state.tests.first { $0.testId == id } }.map {
          TestHandlers.simple($0, request)
        })
    }
    return Render.withSelf(o, request.link("/alert-suppression-windows/\(window.windowId)"))
  }

  static func find(_ state: World.State, _ request: SimRequest) throws -> Int {
    let id = request.parameter("windowId")
    guard
      let index = state.suppressionWindows.firstIndex(where: { $0.windowId == id && $0.aid == request.aid })
    else {
      throw APIError.notFound("Alert suppression window \(id) not found.")
    }
    return index
  }

  static func list(_ request: SimRequest, _ world: World) throws -> SimResponse {
    world.read { state in
      let windows = state.suppressionWindows.filter { $0.aid == request.aid }.map {
        render($0, state, request, detail: false)
      }
      return .hal(
        .object([
          ("alertSuppressionWindows", .array(windows)),
          ("_links", Render.selfLinks(request.link("/alert-suppression-windows"))),
        ]))
    }
  }

  static func apply(_ body: JSONObject, to window: inout SuppressionWindowRecord, _ state: World.State) throws
  {
    var errors: [APIError.FieldError] = []
    if let ids = Render.stringArray(body, "testIds") {
      for (n, id) in ids.enumerated()
      where !state.tests.contains(where: { $0.testId == id && $0.aid == window.aid }) {
        errors.append(
          .init(code: "INVALID_VALUE", field: "testIds[\(n)]", message: "Test \(id) does not exist."))
      }
      window.testIds = ids
    }
    // The spec's own example is 0; only a negative duration means nothing.
    if let duration = body["duration"]?.intValue, duration < 0 {
      errors.append(
        .init(code: "INVALID_VALUE", field: "duration", message: "duration must not be negative."))
    }
    if !errors.isEmpty {
      throw APIError.badRequest("Your request object contains invalid fields.", errors: errors)
    }
    for (name, value) in body.members where name != "testIds" { window.fields[name] = value }
  }

  static func create(_ request: SimRequest, _ world: World) throws -> SimResponse {
    let body = try Render.bodyObject(request)
    var missing: [APIError.FieldError] = []
    // The request schema is shared with updates and so requires nothing; a new window needs
    // a name and a start, as the API does. duration defaults to 0 (the spec's example).
    for field in ["name", "startDate"] where body[field] == nil {
      missing.append(.init(code: "REQUIRED", field: field, message: "\(field) is required."))
    }
    if !missing.isEmpty {
      throw APIError.badRequest("Your request object is missing fields.", errors: missing)
    }
    return try world.write { state in
      var window = SuppressionWindowRecord(
        windowId: state.newId("window", start: 7100), aid: request.aid, fields: JSONObject(), testIds: [])
      try apply(body, to: &window, state)
      if window.fields["isEnabled"] == nil { window.fields["isEnabled"] = true }
      if window.fields["duration"] == nil { window.fields["duration"] = 0 }
      state.suppressionWindows.append(window)
      return .created(
        render(window, state, request, detail: true),
        location: request.link("/alert-suppression-windows/\(window.windowId)"))
    }
  }

  static func get(_ request: SimRequest, _ world: World) throws -> SimResponse {
    try world.read { state in
      .hal(render(state.suppressionWindows[try find(state, request)], state, request, detail: true))
    }
  }

  static func update(_ request: SimRequest, _ world: World) throws -> SimResponse {
    let body = try Render.bodyObject(request)
    return try world.write { state in
      let index = try find(state, request)
      var window = state.suppressionWindows[index]
      try apply(body, to: &window, state)
      state.suppressionWindows[index] = window
      return .hal(render(window, state, request, detail: true))
    }
  }

  static func delete(_ request: SimRequest, _ world: World) throws -> SimResponse {
    try world.write { state in
      state.suppressionWindows.remove(at: try find(state, request))
      return .noContent
    }
  }
}
