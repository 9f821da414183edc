import Foundation

/// `/test-results/{testId}/network`, `/http-server`, `/path-vis` and `/page-load`: rows
/// synthesized per round and agent, ordered by roundId then by the test's agent order,
/// paginated with signed cursors.
enum ResultHandlers {
  static let routes: [Route] = [
    Route("GET", "/test-results/{testId}/network", "getTestNetworkResults", handler(.network)),
    Route("GET", "/test-results/{testId}/http-server", "getTestHttpServerResults", handler(.httpServer)),
    Route("GET", "/test-results/{testId}/path-vis", "getTestPathVisResults", handler(.pathVis)),
    Route("GET", "/test-results/{testId}/page-load", "getTestPageLoadResults", handler(.pageLoad)),
  ]

  /// The kinds of results the simulator synthesizes.
  enum Kind: String {
    case network
    case httpServer = "http-server"
    case pathVis = "path-vis"
    case pageLoad = "page-load"

    var directions: [String] {
      switch self {
      case .network: return ["to-target", "from-target", "bidirectional"]
      case .pathVis: return ["to-target", "from-target"]
      default: return []
      }
    }
  }

  /// Everything a page needs, copied out of the world so rows are built without the lock.
  struct Snapshot {
    var test: TestRecord
    var agents: [AgentRecord]
    var simple: JSONValue
  }

  static func handler(_ kind: Kind) -> Handler {
    { request, world in try page(kind, request, world) }
  }

  static func target(_ test: TestRecord) -> String {
    for key in ["server", "url", "domain", "targetAgentId", "prefix"] {
      if let value = test.fields[key]?.stringValue { return value }
    }
    return test.testId
  }

  static func page(_ kind: Kind, _ request: SimRequest, _ world: World) throws -> SimResponse {
    let snapshot: Snapshot = try world.read { state in
      let test = state.tests[try TestHandlers.find(state, request, type: nil)]
      guard TestHandlers.resultKinds(test.type).contains(kind.rawValue) else {
        throw APIError.notFound(
          "Test \(test.testId) is a \(test.type) test and has no \(kind.rawValue) results.")
      }
      return Snapshot(
        test: test, agents: test.agentIds.compactMap { state.agent($0) },
        simple: TestHandlers.simple(test, request))
    }
    let test = snapshot.test
    let codec = CursorCodec(key: world.cursorKey)
    let cursorKind = "tr-" + kind.rawValue
    var window: ResultWindow
    var direction: String?
    var offset = 0
    if let cursor = request.queryValue("cursor") {
      let fields = try codec.decode(cursor, kind: cursorKind)
      guard fields.count == 7, fields[1] == test.testId, fields[2] == request.aid, let from = Int(fields[3]),
        let to = Int(fields[4]), let at = Int(fields[6])
      else {
        throw APIError.foreignCursor(belongsTo: "another test or account group")
      }
      window = ResultWindow(from: from, to: to, interval: test.interval)
      direction = fields[5].isEmpty ? nil : fields[5]
      offset = at
    } else {
      window = try ResultWindow.resolve(request, interval: test.interval, now: Int(Date.nowEpoch))
      direction = request.queryValue("direction")
      if let direction, !kind.directions.contains(direction) {
        throw APIError.badRequest(
          "Invalid direction.",
          errors: [
            .init(
              code: "INVALID_VALUE", field: "direction",
              message: "direction must be one of: \(kind.directions.joined(separator: ", ")).")
          ])
      }
    }
    let agents = snapshot.agents
    let (product, overflow) = window.roundCount.multipliedReportingOverflow(by: agents.count)
    let total = overflow ? Int.max : product
    let page = Page(offset: offset, size: world.options.pageSize, total: total)
    let synth = ResultSynthesizer(seed: world.options.seed, testId: test.testId, target: target(test))
    let bases = agents.map { synth.baseLatency($0) }
    let serverIp = targetIp(synth.target)
    var rows: [JSONValue] = []
    rows.reserveCapacity(page.end - page.start)
    for index in page.start..<page.end {
      let round = window.from + (index / agents.count) * window.interval
      let slot = index % agents.count
      let agent = agents[slot]
      rows.append(
        row(
          kind, synth, agent, round: round, base: bases[slot], test: test, serverIp: serverIp,
          direction: direction))
    }
    var links = JSONObject()
    links["self"] = .object([("href", .string(request.origin + request.uri))])
    if let next = page.next {
      let cursor = codec.encode([
        cursorKind, test.testId, request.aid, String(window.from), String(window.to), direction ?? "",
        String(next),
      ])
      var href = request.link("/test-results/\(test.testId)/\(kind.rawValue)") + "?cursor=" + cursor
      if request.queryValue("aid") != nil { href += "&aid=" + request.aid }
      links["next"] = .object([("href", .string(href))])
    }
    var body = JSONObject()
    body["results"] = .array(rows)
    body["test"] = snapshot.simple
    body["startDate"] = .string(ISODate.format(window.from))
    body["endDate"] = .string(ISODate.format(window.to))
    body["_links"] = links.value
    return .hal(body.value)
  }

  static func targetIp(_ target: String) -> String {
    let h = Mix.hash(target)
    return "\(104 + h % 60).\((h >> 8) % 256).\((h >> 16) % 256).\(1 + (h >> 24) % 250)"
  }

  static func agentRef(_ agent: AgentRecord) -> JSONValue {
    .object([
      ("agentId", .string(agent.agentId)), ("agentName", .string(agent.agentName)),
      ("countryId", .string(agent.countryId)), ("location", .string(agent.location)),
    ])
  }

  static func row(
    _ kind: Kind, _ synth: ResultSynthesizer, _ agent: AgentRecord, round: Int, base: Double,
    test: TestRecord,
    serverIp: String, direction: String?
  ) -> JSONValue {
    var o: [(String, JSONValue)] = [
      ("agent", agentRef(agent)), ("date", .string(ISODate.format(round))), ("roundId", .int(round)),
    ]
    switch kind {
    case .network:
      let n = synth.network(agent, round: round, base: base)
      o.append(("serverIp", .string(serverIp)))
      o.append(("server", .string(serverLabel(test))))
      o.append(("avgLatency", .double(n.avg)))
      o.append(("minLatency", .double(n.min)))
      o.append(("maxLatency", .double(n.max)))
      o.append(("jitter", .double(n.jitter)))
      o.append(("loss", .double(n.loss)))
      o.append(("direction", .string(direction ?? "to-target")))
    case .httpServer:
      let n = synth.network(agent, round: round, base: base)
      let h = synth.rowHash(agent, round: round, salt: 0x4771)
      let failed = Mix.unit(h) < 0.01
      let dns = 1 + Int(Mix.unit(Mix.hash(h, 1)) * 20)
      let connect = Int(n.avg.rounded())
      let ssl = Int((n.avg * 1.1).rounded())
      let wait = 20 + Int(Mix.unit(Mix.hash(h, 2)) * 180)
      let receive = 1 + Int(Mix.unit(Mix.hash(h, 3)) * 40)
      let wire = 8000 + Int(Mix.unit(Mix.hash(h, 4)) * 40000)
      let response = dns + connect + ssl + wait
      o.append(("serverIp", .string(serverIp)))
      o.append(("responseCode", .int(failed ? 503 : 200)))
      o.append(("numRedirects", .int(0)))
      o.append(("redirectTime", .int(0)))
      o.append(("dnsTime", .int(dns)))
      o.append(("sslTime", .int(ssl)))
      o.append(("connectTime", .int(connect)))
      o.append(("waitTime", .int(wait)))
      o.append(("receiveTime", .int(receive)))
      o.append(("responseTime", .int(response)))
      o.append(("totalTime", .int(response + receive)))
      o.append(("wireSize", .int(wire)))
      o.append(
        ("throughput", .double(ResultSynthesizer.round3(Double(wire) / Double(max(1, receive)) * 1000))))
      o.append(("errorType", .string(failed ? "HTTP" : "None")))
      if failed { o.append(("errorDetails", .string("HTTP 503 Service Unavailable"))) }
      o.append(("sslCipher", .string("TLS_AES_128_GCM_SHA256")))
      o.append(("sslVersion", .string("TLSv1.3")))
      o.append(
        (
          "healthScore",
          .double(failed ? 0.2 : ResultSynthesizer.round3(1 - min(0.5, Double(response) / 4000)))
        ))
    case .pathVis:
      let h = synth.rowHash(agent, round: round, salt: 0x9A75)
      let traces = max(1, test.fields["numPathTraces"]?.intValue ?? 3)
      let n = synth.network(agent, round: round, base: base)
      o.append(("server", .string(serverLabel(test))))
      o.append(("serverIp", .string(serverIp)))
      o.append(("sourceIp", .string(agent.ipAddresses.first ?? "")))
      o.append(("sourcePrefix", .string(agent.prefix)))
      o.append(("targetIsProxy", .bool(false)))
      o.append(("direction", .string(direction ?? "to-target")))
      o.append(
        (
          "pathTraces",
          .array(
            (0..<traces).map { t in
              let hops = 6 + Int(Mix.unit(Mix.hash(h, UInt64(t))) * 12)
              return .object([
                ("ipAddress", .string(serverIp)), ("mss", .int(1460)), ("numberOfHops", .int(hops)),
                ("pathId", .string("\(agent.agentId)-\(round)-\(t)")), ("pathMtu", .int(1500)),
                ("responseTime", .int(Int(n.avg.rounded()) + t)),
              ])
            })
        ))
    case .pageLoad:
      let h = synth.rowHash(agent, round: round, salt: 0x9A6E)
      let n = synth.network(agent, round: round, base: base)
      let dom = Int(n.avg * 4) + 200 + Int(Mix.unit(h) * 600)
      o.append(("responseTime", .double(ResultSynthesizer.round3(n.avg * 3 + 50))))
      o.append(("totalSize", .int(400_000 + Int(Mix.unit(Mix.hash(h, 1)) * 1_600_000))))
      o.append(("numObjects", .int(20 + Int(Mix.unit(Mix.hash(h, 2)) * 80))))
      o.append(("numErrors", .int(Mix.unit(Mix.hash(h, 3)) < 0.05 ? 1 : 0)))
      o.append(("domLoadTime", .int(dom)))
      o.append(("pageLoadTime", .int(dom + 100 + Int(Mix.unit(Mix.hash(h, 4)) * 900))))
    }
    return .object(o)
  }

  static func serverLabel(_ test: TestRecord) -> String {
    if let server = test.fields["server"]?.stringValue {
      if let port = test.fields["port"]?.intValue { return "\(server):\(port)" }
      return server
    }
    if let url = test.fields["url"]?.stringValue {
      let host = url.split(separator: "/").dropFirst().first.map(String.init) ?? url
      return host + (url.hasPrefix("https") ? ":443" : ":80")
    }
    return target(test)
  }
}
