import Foundation

/// `/alerts` (paginated, with `window`/dates and `state`) and `/alerts/{alertId}`.
enum AlertHandlers {
  static let routes: [Route] = [
    Route("GET", "/alerts", "getAlerts", list),
    Route("GET", "/alerts/{alertId}", "getAlert", get),
  ]

  static func legacyDate(_ epoch: Int) -> String {
    let iso = ISODate.format(epoch)
    return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(8))
  }

  static func links(_ alert: AlertRecord, _ request: SimRequest, type: String?) -> JSONValue {
    var links: [(String, JSONValue)] = [
      ("self", .object([("href", .string(request.link("/alerts/\(alert.alertId)")))]))
    ]
    if let type {
      links.append(("test", .object([("href", .string(request.link("/tests/\(type)/\(alert.testId)")))])))
    }
    links.append(("rule", .object([("href", .string(request.link("/alerts/rules/\(alert.ruleId)")))])))
    return .object(links)
  }

  static func summary(_ alert: AlertRecord, _ state: World.State, _ request: SimRequest, now: Int)
    -> JSONValue
  {
    let type = state.tests.first { $0.testId == alert.testId }?.type
    var o = JSONObject()
    o["id"] = .string(alert.alertId)
    o["alertId"] = .string(alert.alertId)
    o["alertType"] = .string(alert.alertType)
    o["startDate"] = .string(ISODate.format(alert.startEpoch))
    o["dateStart"] = .string(legacyDate(alert.startEpoch))
    if let end = alert.endEpoch {
      o["endDate"] = .string(ISODate.format(end))
      o["dateEnd"] = .string(legacyDate(end))
    }
    o["violationCount"] = .int(alert.violationCount)
    o["duration"] = .int((alert.endEpoch ?? now) - alert.startEpoch)
    o["suppressed"] = false
    o["meta"] = .object([("version", 1)])
    o["ruleId"] = .int(Int(alert.ruleId) ?? 0)
    o["alertRuleId"] = .string(alert.ruleId)
    o["alertState"] = .string(alert.endEpoch == nil ? "trigger" : "clear")
    o["alertSeverity"] = .string(alert.severity)
    o["_links"] = links(alert, request, type: type)
    return o.value
  }

  static func list(_ request: SimRequest, _ world: World) throws -> SimResponse {
    let codec = CursorCodec(key: world.cursorKey)
    let now = Int(Date.nowEpoch)
    var wanted = "trigger"
    var from: Int?
    var to: Int?
    var offset = 0
    var size = try APIError.pageSize(request, default: world.options.pageSize)
    if let cursor = request.queryValue("cursor") {
      let f = try codec.decode(cursor, kind: "alerts")
      guard f.count == 7, f[1] == request.aid, let at = Int(f[5]), let pageSize = Int(f[6]) else {
        throw APIError.foreignCursor()
      }
      wanted = f[2]
      let range = f[3].split(separator: "-", omittingEmptySubsequences: false)
      if range.count == 2 {
        from = Int(range[0])
        to = Int(range[1])
      }
      offset = at
      size = pageSize
    } else {
      if let state = request.queryValue("state") {
        guard ["trigger", "clear"].contains(state) else {
          throw APIError.badRequest(
            "Invalid state.",
            errors: [
              .init(code: "INVALID_VALUE", field: "state", message: "state must be one of: clear, trigger.")
            ])
        }
        wanted = state
      }
      if request.queryValue("window") != nil || request.queryValue("startDate") != nil
        || request.queryValue("endDate") != nil
      {
        let window = try ResultWindow.resolve(request, interval: 1, now: now)
        from = window.from
        to = window.to
      }
    }
    return world.read { state in
      let matching = state.alerts.filter { alert in
        guard alert.aid == request.aid else { return false }
        guard (alert.endEpoch == nil) == (wanted == "trigger") else { return false }
        if let from, let to {
          return alert.startEpoch <= to && (alert.endEpoch ?? Int.max) >= from
        }
        return true
      }
      let page = Page(offset: offset, size: size, total: matching.count)
      var links = JSONObject()
      links["self"] = .object([("href", .string(request.origin + request.uri))])
      if let next = page.next {
        let range = from.map { "\($0)-\(to ?? $0)" } ?? ""
        let cursor = codec.encode(["alerts", request.aid, wanted, range, "", String(next), String(size)])
        var href = request.link("/alerts") + "?cursor=" + cursor
        if request.queryValue("aid") != nil { href += "&aid=" + request.aid }
        links["next"] = .object([("href", .string(href))])
      }
      var body = JSONObject()
      body["alerts"] = .array(matching[page.start..<page.end].map { summary($0, state, request, now: now) })
      if let from, let to {
        body["startDate"] = .string(ISODate.format(from))
        body["endDate"] = .string(ISODate.format(to))
      }
      body["_links"] = links.value
      return .hal(body.value)
    }
  }

  static func get(_ request: SimRequest, _ world: World) throws -> SimResponse {
    let id = request.parameter("alertId")
    let now = Int(Date.nowEpoch)
    return try world.read { state in
      guard let alert = state.alerts.first(where: { $0.alertId == id && $0.aid == request.aid }) else {
        throw APIError.notFound("Alert \(id) not found.")
      }
      let type = state.tests.first { $0.testId == alert.testId }?.type
      var o = JSONObject()
      o["id"] = .string(alert.alertId)
      o["alertType"] = .string(alert.alertType)
      o["startDate"] = .string(ISODate.format(alert.startEpoch))
      if let end = alert.endEpoch { o["endDate"] = .string(ISODate.format(end)) }
      o["violationCount"] = .int(alert.violationCount)
      o["duration"] = .int((alert.endEpoch ?? now) - alert.startEpoch)
      o["suppressed"] = false
      o["meta"] = .object([("version", 1)])
      let stateName = alert.endEpoch == nil ? "trigger" : "clear"
      o["state"] = .string(stateName)
      o["severity"] = .string(alert.severity)
      o["alertState"] = .string(stateName)
      o["alertSeverity"] = .string(alert.severity)
      o["details"] = .array(
        alert.agentIds.compactMap { state.agent($0) }.map { agent in
          .object([
            ("id", .string(agent.agentId)), ("name", .string(agent.agentName)), ("state", .string(stateName)),
            ("type", "agent"),
          ])
        })
      o["_links"] = links(alert, request, type: type)
      return .hal(o.value)
    }
  }
}
