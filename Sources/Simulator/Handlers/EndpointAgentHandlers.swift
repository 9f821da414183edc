/// `/endpoint/agents`: list, paginated with `max` and a signed cursor.
enum EndpointAgentHandlers {
  static let routes: [Route] = [
    Route("GET", "/endpoint/agents", "getEndpointAgents", list)
  ]

  static func render(_ agent: EndpointAgentRecord, _ request: SimRequest) -> JSONValue {
    var o = JSONObject()
    o["id"] = .string(agent.id)
    o["aid"] = .string(agent.aid)
    o["name"] = .string(agent.name)
    o["computerName"] = .string(agent.computerName)
    o["osVersion"] = .string(agent.osVersion)
    o["platform"] = .string(agent.platform)
    o["lastSeen"] = .string(agent.lastSeen)
    o["status"] = .string(agent.enabled ? "enabled" : "disabled")
    o["deleted"] = false
    o["version"] = .string(agent.version)
    o["createdAt"] = .string(agent.createdAt)
    o["publicIP"] = .string(agent.publicIP)
    o["agentType"] = "regular"
    o["licenseType"] = "advantage"
    return Render.withSelf(o, request.link("/endpoint/agents/\(agent.id)"))
  }

  static func list(_ request: SimRequest, _ world: World) throws -> SimResponse {
    let codec = CursorCodec(key: world.cursorKey)
    var size = try APIError.pageSize(request, default: world.options.pageSize)
    var offset = 0
    let names = Render.list(request, "agentName")
    let computers = Render.list(request, "computerName")
    if let cursor = request.queryValue("cursor") {
      let f = try codec.decode(cursor, kind: "endpoint-agents")
      guard f.count == 4, f[1] == request.aid, let at = Int(f[2]), let pageSize = Int(f[3]) else {
        throw APIError.foreignCursor()
      }
      offset = at
      size = pageSize
    }
    return world.read { state in
      let matching = state.endpointAgents.filter {
        $0.aid == request.aid && (names.isEmpty || names.contains($0.name))
          && (computers.isEmpty || computers.contains($0.computerName))
      }
      let page = Page(offset: offset, size: size, total: matching.count)
      var links = JSONObject()
      links["self"] = .object([("href", .string(request.origin + request.uri))])
      if let next = page.next {
        let cursor = codec.encode(["endpoint-agents", request.aid, String(next), String(size)])
        var href = request.link("/endpoint/agents") + "?cursor=" + cursor
        if request.queryValue("aid") != nil { href += "&aid=" + request.aid }
        for name in names { href += "&agentName=" + name.addingPercentEncodingForQuery }
        for name in computers { href += "&computerName=" + name.addingPercentEncodingForQuery }
        links["next"] = .object([("href", .string(href))])
      }
      return .hal(
        .object([
          ("totalAgents", .int(matching.count)),
          ("agents", .array(matching[page.start..<page.end].map { render($0, request) })),
          ("_links", links.value),
        ]))
    }
  }
}

extension String {
  /// Percent-encodes everything but unreserved characters.
  var addingPercentEncodingForQuery: String {
    var out = ""
    for byte in utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
        out.append(Character(Unicode.Scalar(byte)))
      default:
        let hex = String(byte, radix: 16, uppercase: true)
        out += "%" + (hex.count == 1 ? "0" + hex : hex)
      }
    }
    return out
  }
}
