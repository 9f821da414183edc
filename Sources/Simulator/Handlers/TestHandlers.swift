import Foundation

/// `/tests`, and list/create/get/update/delete for every test type; `/tests/{testId}/history`.
enum TestHandlers {
  static let routes: [Route] = [
    Route("GET", "/tests", "getTests", listAll),
    Route("GET", "/tests/{testId}/history", "getTestVersionHistory", history),
    Route("GET", "/tests/bgp", "getBgpTests", list("bgp")),
    Route("POST", "/tests/bgp", "createBgpTest", create("bgp")),
    Route("GET", "/tests/bgp/{testId}", "getBgpTest", get("bgp")),
    Route("PUT", "/tests/bgp/{testId}", "updateBgpTest", update("bgp")),
    Route("DELETE", "/tests/bgp/{testId}", "deleteBgpTest", delete("bgp")),
    Route("GET", "/tests/agent-to-server", "getAgentToServerTests", list("agent-to-server")),
    Route("POST", "/tests/agent-to-server", "createAgentToServerTest", create("agent-to-server")),
    Route("GET", "/tests/agent-to-server/{testId}", "getAgentToServerTest", get("agent-to-server")),
    Route("PUT", "/tests/agent-to-server/{testId}", "updateAgentToServerTest", update("agent-to-server")),
    Route("DELETE", "/tests/agent-to-server/{testId}", "deleteAgentToServerTest", delete("agent-to-server")),
    Route("GET", "/tests/agent-to-agent", "getAgentToAgentTests", list("agent-to-agent")),
    Route("POST", "/tests/agent-to-agent", "createAgentToAgentTest", create("agent-to-agent")),
    Route("GET", "/tests/agent-to-agent/{testId}", "getAgentToAgentTest", get("agent-to-agent")),
    Route("PUT", "/tests/agent-to-agent/{testId}", "updateAgentToAgentTest", update("agent-to-agent")),
    Route("DELETE", "/tests/agent-to-agent/{testId}", "deleteAgentToAgentTest", delete("agent-to-agent")),
    Route("GET", "/tests/dns-server", "getDnsServerTests", list("dns-server")),
    Route("POST", "/tests/dns-server", "createDnsServerTest", create("dns-server")),
    Route("GET", "/tests/dns-server/{testId}", "getDnsServerTest", get("dns-server")),
    Route("PUT", "/tests/dns-server/{testId}", "updateDnsServerTest", update("dns-server")),
    Route("DELETE", "/tests/dns-server/{testId}", "deleteDnsServerTest", delete("dns-server")),
    Route("GET", "/tests/dns-trace", "getDnsTraceTests", list("dns-trace")),
    Route("POST", "/tests/dns-trace", "createDnsTraceTest", create("dns-trace")),
    Route("GET", "/tests/dns-trace/{testId}", "getDnsTraceTest", get("dns-trace")),
    Route("PUT", "/tests/dns-trace/{testId}", "updateDnsTraceTest", update("dns-trace")),
    Route("DELETE", "/tests/dns-trace/{testId}", "deleteDnsTraceTest", delete("dns-trace")),
    Route("GET", "/tests/dnssec", "getDnsSecTests", list("dnssec")),
    Route("POST", "/tests/dnssec", "createDnsSecTest", create("dnssec")),
    Route("GET", "/tests/dnssec/{testId}", "getDnsSecTest", get("dnssec")),
    Route("PUT", "/tests/dnssec/{testId}", "updateDnsSecTest", update("dnssec")),
    Route("DELETE", "/tests/dnssec/{testId}", "deleteDnsSecTest", delete("dnssec")),
    Route("GET", "/tests/http-server", "getHttpServerTests", list("http-server")),
    Route("POST", "/tests/http-server", "createHttpServerTest", create("http-server")),
    Route("GET", "/tests/http-server/{testId}", "getHttpServerTest", get("http-server")),
    Route("PUT", "/tests/http-server/{testId}", "updateHttpServerTest", update("http-server")),
    Route("DELETE", "/tests/http-server/{testId}", "deleteHttpServerTest", delete("http-server")),
    Route("GET", "/tests/page-load", "getPageLoadTests", list("page-load")),
    Route("POST", "/tests/page-load", "createPageLoadTest", create("page-load")),
    Route("GET", "/tests/page-load/{testId}", "getPageLoadTest", get("page-load")),
    Route("PUT", "/tests/page-load/{testId}", "updatePageLoadTest", update("page-load")),
    Route("DELETE", "/tests/page-load/{testId}", "deletePageLoadTest", delete("page-load")),
    Route("GET", "/tests/web-transactions", "getWebTransactionsTests", list("web-transactions")),
    Route("POST", "/tests/web-transactions", "createWebTransactionsTest", create("web-transactions")),
    Route("GET", "/tests/web-transactions/{testId}", "getWebTransactionsTest", get("web-transactions")),
    Route("PUT", "/tests/web-transactions/{testId}", "updateWebTransactionsTest", update("web-transactions")),
    Route(
      "DELETE", "/tests/web-transactions/{testId}", "deleteWebTransactionsTest", delete("web-transactions")),
    Route("GET", "/tests/api", "getApiTests", list("api")),
    Route("POST", "/tests/api", "createApiTest", create("api")),
    Route("GET", "/tests/api/{testId}", "getApiTest", get("api")),
    Route("PUT", "/tests/api/{testId}", "updateApiTest", update("api")),
    Route("DELETE", "/tests/api/{testId}", "deleteApiTest", delete("api")),
    Route("GET", "/tests/ftp-server", "getFtpServerTests", list("ftp-server")),
    Route("POST", "/tests/ftp-server", "createFtpServerTest", create("ftp-server")),
    Route("GET", "/tests/ftp-server/{testId}", "getFtpServerTest", get("ftp-server")),
    Route("PUT", "/tests/ftp-server/{testId}", "updateFtpServerTest", update("ftp-server")),
    Route("DELETE", "/tests/ftp-server/{testId}", "deleteFtpServerTest", delete("ftp-server")),
    Route("GET", "/tests/sip-server", "getSipServerTests", list("sip-server")),
    Route("POST", "/tests/sip-server", "createSipServerTest", create("sip-server")),
    Route("GET", "/tests/sip-server/{testId}", "getSipServerTest", get("sip-server")),
    Route("PUT", "/tests/sip-server/{testId}", "updateSipServerTest", update("sip-server")),
    Route("DELETE", "/tests/sip-server/{testId}", "deleteSipServerTest", delete("sip-server")),
    Route("GET", "/tests/voice", "getVoiceTests", list("voice")),
    Route("POST", "/tests/voice", "createVoiceTest", create("voice")),
    Route("GET", "/tests/voice/{testId}", "getVoiceTest", get("voice")),
    Route("PUT", "/tests/voice/{testId}", "updateVoiceTest", update("voice")),
    Route("DELETE", "/tests/voice/{testId}", "deleteVoiceTest", delete("voice")),
  ]

  /// Fields a request carries that the response shows expanded (or not at all).
  static let expandedFields: Set<String> = [
    "agents", "alertRules", "labels", "tags", "sharedWithAccounts", "monitors",
  ]

  /// The results resources each test type offers (for `_links.testResults`).
  static func resultKinds(_ type: String) -> [String] {
    switch type {
    case "agent-to-server", "agent-to-agent": return ["network", "path-vis"]
    case "http-server": return ["http-server", "network", "path-vis"]
    case "page-load": return ["page-load", "http-server", "network", "path-vis"]
    default: return []
    }
  }

  static func links(_ test: TestRecord, _ request: SimRequest) -> JSONValue {
    .object([
      ("self", .object([("href", .string(request.link("/tests/\(test.type)/\(test.testId)")))])),
      (
        "testResults",
        .array(
          resultKinds(test.type).map {
            .object([("href", .string(request.link("/test-results/\(test.testId)/\($0)")))])
          })
      ),
    ])
  }

  private static func common(_ test: TestRecord, _ o: inout JSONObject) {
    o["testId"] = .string(test.testId)
    o["testName"] = test.fields["testName"] ?? .string("")
    o["type"] = .string(test.type)
    if let interval = test.fields["interval"] { o["interval"] = interval }
    o["alertsEnabled"] = test.fields["alertsEnabled"] ?? .bool(false)
    o["enabled"] = test.fields["enabled"] ?? .bool(true)
    o["description"] = test.fields["description"] ?? .string("")
    o["createdBy"] = .string(test.createdBy)
    o["createdDate"] = .string(test.createdDate)
    o["modifiedBy"] = .string(test.modifiedBy)
    o["modifiedDate"] = .string(test.modifiedDate)
    o["liveShare"] = false
    o["savedEvent"] = false
  }

  /// Requests name DNS servers by FQDN; responses describe them as `{serverId, serverName}`.
  static func dnsServers(_ value: JSONValue) -> JSONValue {
    .array(
      (value.arrayValue ?? []).map { server in
        guard let name = server.stringValue else { return server }
        return .object([
          ("serverId", .string(String(Mix.hash(name) % 100_000))), ("serverName", .string(name)),
        ])
      })
  }

  /// The summary form (`SimpleTest`) used by `/tests` and embedded lists.
  static func simple(_ test: TestRecord, _ request: SimRequest) -> JSONValue {
    var o = JSONObject()
    common(test, &o)
    o["_links"] = links(test, request)
    return o.value
  }

  /// The full form of a test with its agents and alert rules expanded.
  static func full(_ test: TestRecord, _ state: World.State, _ request: SimRequest) -> JSONValue {
    var o = JSONObject()
    common(test, &o)
    for (name, value) in test.fields.members where o[name] == nil {
      o[name] = name == "dnsServers" ? dnsServers(value) : value
    }
    if test.type != "bgp" {
      o["agents"] = .array(
        test.agentIds.compactMap { state.agent($0) }.map { agent in
          .object([
            ("agentId", .string(agent.agentId)), ("agentName", .string(agent.agentName)),
            ("agentType", .string(agent.agentType)), ("location", .string(agent.location)),
            ("countryId", .string(agent.countryId)), ("ipAddresses", Render.strings(agent.ipAddresses)),
            ("publicIpAddresses", Render.strings(agent.publicIpAddresses)),
            ("network", .string(agent.network)),
            ("enabled", .bool(agent.enabled)),
          ])
        })
    }
    o["alertRules"] = .array(
      test.alertRuleIds.compactMap { id in state.alertRules.first { $0.ruleId == id } }.map { rule in
        var r = JSONObject()
        r["ruleId"] = .string(rule.ruleId)
        for key in [
          "ruleName", "expression", "direction", "notifyOnClear", "isDefault", "alertType", "minimumSources",
          "roundsViolatingOutOf", "roundsViolatingRequired", "roundsViolatingMode", "severity",
        ] {
          if let v = rule.fields[key] { r[key] = v }
        }
        return r.value
      })
    o["_links"] = links(test, request)
    return o.value
  }

  static func find(_ state: World.State, _ request: SimRequest, type: String?) throws -> Int {
    let id = request.parameter("testId")
    guard
      let index = state.tests.firstIndex(where: {
        $0.testId == id && $0.aid == request.aid && (type == nil || $0.type == type)
      })
    else {
      throw APIError.notFound(
        "Test \(id) not found\(type.map { " among \($0) tests" } ?? "") in account group \(request.aid).")
    }
    return index
  }

  static func listAll(_ request: SimRequest, _ world: World) throws -> SimResponse {
    world.read { state in
      let tests = state.tests.filter { $0.aid == request.aid }.map { simple($0, request) }
      return .hal(.object([("tests", .array(tests)), ("_links", Render.selfLinks(request.link("/tests")))]))
    }
  }

  static func list(_ type: String) -> Handler {
    { request, world in
      world.read { state in
        let tests = state.tests.filter { $0.aid == request.aid && $0.type == type }.map {
          full($0, state, request)
        }
        return .hal(
          .object([("tests", .array(tests)), ("_links", Render.selfLinks(request.link("/tests/\(type)")))]))
      }
    }
  }

  static func get(_ type: String) -> Handler {
    { request, world in
      try world.read { state in
        .hal(full(state.tests[try find(state, request, type: type)], state, request))
      }
    }
  }

  /// Applies a create or update body to a test, checking the ids it refers to. `stored` is
  /// the body without its write-only members: only those fields are kept and echoed.
  static func apply(
    _ body: JSONObject, stored: JSONObject, to test: inout TestRecord, _ state: World.State, aid: String
  ) throws {
    var errors: [APIError.FieldError] = []
    if let agents = body["agents"]?.arrayValue {
      var ids: [String] = []
      for (n, entry) in agents.enumerated() {
        let id = entry["agentId"]?.stringValue ?? ""
        if state.agents.contains(where: { $0.agentId == id && $0.isVisible(in: aid) }) {
          if !ids.contains(id) { ids.append(id) }
        } else {
          errors.append(
            .init(
              code: "INVALID_VALUE", field: "agents[\(n)].agentId", message: "Agent \(id) does not exist."))
        }
      }
      test.agentIds = ids
    }
    if let rules = Render.stringArray(body, "alertRules") {
      for (n, id) in rules.enumerated()
      where !state.alertRules.contains(where: { $0.ruleId == id && $0.aid == aid }) {
        errors.append(
          .init(code: "INVALID_VALUE", field: "alertRules[\(n)]", message: "Alert rule \(id) does not exist.")
        )
      }
      test.alertRuleIds = rules
    }
    if let target = body["targetAgentId"]?.stringValue,
      !state.agents.contains(where: { $0.agentId == target && $0.isVisible(in: aid) })
    {
      errors.append(
        .init(code: "INVALID_VALUE", field: "targetAgentId", message: "Agent \(target) does not exist."))
    }
    if let name = body["testName"]?.stringValue,
      state.tests.contains(where: { $0.aid == aid && $0.testId != test.testId && $0.name == name })
    {
      errors.append(
        .init(code: "DUPLICATE", field: "testName", message: "A test named \(name) already exists."))
    }
    if !errors.isEmpty {
      throw APIError.badRequest("Your request object contains invalid fields.", errors: errors)
    }
    for (name, value) in stored.members where !expandedFields.contains(name) {
      test.fields[name] = value
    }
    // Write-only in requests, but shown back as {serverId, serverName} (see dnsServers(_:)).
    if let servers = body["dnsServers"] { test.fields["dnsServers"] = servers }
  }

  static func create(_ type: String) -> Handler {
    { request, world in
      let body = try Render.bodyObject(request)
      return try world.write { state in
        let now = ISODate.format(Int(Date.nowEpoch))
        let by = state.currentUser.map { "\($0.name) (\($0.email))" } ?? "Simulator User"
        var test = TestRecord(
          testId: state.newId("test", start: 300_001), aid: request.aid, type: type, fields: JSONObject(),
          agentIds: [],
          alertRuleIds: [], createdBy: by, createdDate: now, modifiedBy: by, modifiedDate: now,
          versions: [(versionId: "1", timestamp: now, createdBy: by)])
        if test.fields["testName"] == nil, body["testName"] == nil {
          test.fields["testName"] = .string("\(type) test \(test.testId)")
        }
        try apply(body, stored: Render.storableObject(request), to: &test, state, aid: request.aid)
        if test.fields["enabled"] == nil { test.fields["enabled"] = true }
        if test.fields["alertsEnabled"] == nil { test.fields["alertsEnabled"] = false }
        state.tests.append(test)
        for id in test.alertRuleIds {
          if let i = state.alertRules.firstIndex(where: { $0.ruleId == id }) {
            state.alertRules[i].testIds.append(test.testId)
          }
        }
        return .created(full(test, state, request), location: request.link("/tests/\(type)/\(test.testId)"))
      }
    }
  }

  static func update(_ type: String) -> Handler {
    { request, world in
      let body = try Render.bodyObject(request)
      return try world.write { state in
        let index = try find(state, request, type: type)
        var test = state.tests[index]
        try apply(body, stored: Render.storableObject(request), to: &test, state, aid: request.aid)
        let now = ISODate.format(Int(Date.nowEpoch))
        let by = state.currentUser.map { "\($0.name) (\($0.email))" } ?? "Simulator User"
        test.modifiedBy = by
        test.modifiedDate = now
        test.versions.append((versionId: String(test.versions.count + 1), timestamp: now, createdBy: by))
        let previousRules = state.tests[index].alertRuleIds
        state.tests[index] = test
        for i in state.alertRules.indices {
          if previousRules.contains(state.alertRules[i].ruleId) {
            state.alertRules[i].testIds.removeAll { $0 == test.testId }
          }
          if test.alertRuleIds.contains(state.alertRules[i].ruleId) {
            state.alertRules[i].testIds.append(test.testId)
          }
        }
        return .hal(full(test, state, request))
      }
    }
  }

  static func delete(_ type: String) -> Handler {
    { request, world in
      try world.write { state in
        let index = try find(state, request, type: type)
        let id = state.tests[index].testId
        state.tests.remove(at: index)
        for i in state.alertRules.indices { state.alertRules[i].testIds.removeAll { $0 == id } }
        for i in state.suppressionWindows.indices {
          state.suppressionWindows[i].testIds.removeAll { $0 == id }
        }
        for i in state.tags.indices {
          state.tags[i].assignments.removeAll { $0 == TagRecord.Assignment(id: id, type: "test") }
        }
        return .noContent
      }
    }
  }

  static func history(_ request: SimRequest, _ world: World) throws -> SimResponse {
    var limit = Int.max
    if let text = request.queryValue("limit") {
      guard let value = Int(text), value > 0 else {
        throw APIError.badRequest(
          "Invalid limit.",
          errors: [.init(code: "INVALID_VALUE", field: "limit", message: "limit must be a positive integer.")]
        )
      }
      limit = value
    }
    return try world.read { state in
      let test = state.tests[try find(state, request, type: nil)]
      let versions = test.versions.reversed().prefix(limit).map { v -> JSONValue in
        .object([
          ("versionTimestamp", .string(v.timestamp)), ("testId", .string(test.testId)),
          ("createdBy", .string(v.createdBy)), ("versionId", .string(v.versionId)),
        ])
      }
      return .json(
        .object([
          ("_links", Render.selfLinks(request.link("/tests/\(test.testId)/history"))),
          ("testVersionHistory", .array(Array(versions))),
        ]))
    }
  }
}
