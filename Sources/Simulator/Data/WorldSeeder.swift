/// Builds the deterministic initial world from the options' seed and sizes.
struct WorldSeeder {
  let options: SimulatorOptions
  let now: Int

  private static let cities: [(String, String, Double, Double)] = [
    ("Singapore", "SG", 1.29, 103.85), ("Boston, MA", "US", 42.36, -71.06),
    ("London, England", "GB", 51.51, -0.13), ("Frankfurt, Germany", "DE", 50.11, 8.68),
    ("Tokyo, Japan", "JP", 35.68, 139.69), ("Sydney, Australia", "AU", -33.87, 151.21),
    ("Sao Paulo, Brazil", "BR", -23.55, -46.63), ("Mumbai, India", "IN", 19.08, 72.88),
    ("Toronto, Canada", "CA", 43.65, -79.38), ("Paris, France", "FR", 48.86, 2.35),
    ("Seattle, WA", "US", 47.61, -122.33), ("Dallas, TX", "US", 32.78, -96.80),
    ("Johannesburg, South Africa", "ZA", -26.20, 28.05), ("Dubai, United Arab Emirates", "AE", 25.20, 55.27),
    ("Madrid, Spain", "ES", 40.42, -3.70), ("Stockholm, Sweden", "SE", 59.33, 18.07),
    ("Seoul, South Korea", "KR", 37.57, 126.98), ("Hong Kong", "HK", 22.32, 114.17),
    ("Chicago, IL", "US", 41.88, -87.63), ("Amsterdam, Netherlands", "NL", 52.37, 4.90),
  ]

  private static let firstNames = [
    "Ada", "Grace", "Linus", "Barbara", "Dennis", "Radia", "Vint", "Margaret", "Ken", "Frances", "Tim",
    "Hedy",
  ]
  private static let lastNames = [
    "Lovelace", "Hopper", "Torvalds", "Liskov", "Ritchie", "Perlman", "Cerf", "Hamilton", "Thompson", "Allen",
    "Berners-Lee", "Lamarr",
  ]

  func build() -> World.State {
    let state = World.State()
    state.epoch = now / 3600 * 3600
    seedAccountGroups(state)
    seedPermissionsAndRoles(state)
    seedUsers(state)
    seedAgents(state)
    seedAlertRules(state)
    seedTests(state)
    seedAlerts(state)
    seedSuppressionWindows(state)
    seedEndpointAgents(state)
    seedTags(state)
    return state
  }

  private func hash(_ values: UInt64...) -> UInt64 {
    var h = options.seed
    for v in values { h = Mix.hash(h, v) }
    return h
  }

  private func seedAccountGroups(_ state: World.State) {
    state.accountGroups = [
      AccountGroupRecord(aid: "1234", name: "Main Account Group", isDefault: true),
      AccountGroupRecord(aid: "5678", name: "Network Operations", isDefault: false),
      AccountGroupRecord(aid: "9012", name: "Restricted Partners", isDefault: false),
    ]
    state.nextIds["aid"] = 10000
  }

  private func seedPermissionsAndRoles(_ state: World.State) {
    let permissions: [(String, String, Bool)] = [
      ("View tests", "API Access", false), ("Edit tests", "Tests", false),
      ("View agents in account group", "Agents", false), ("Edit agents in account group", "Agents", false),
      ("View alerts", "Alerts", false), ("Edit alert rules", "Alerts", false),
      ("Edit alert suppression windows", "Alerts", false), ("View endpoint agents", "Endpoint Agents", false),
      ("View users", "Users", true), ("Edit users", "Users", true), ("Edit roles", "Roles", true),
      ("View account groups", "Account Groups", true), ("Edit account groups", "Account Groups", true),
      ("View all account groups", "Account Groups", true), ("View test results", "Test Results", false),
      ("Edit dashboards", "Dashboards", false), ("View dashboards", "Dashboards", false),
      ("API access", "API Access", false),
    ]
    state.permissions = permissions.enumerated().map { index, p in
      PermissionRecord(
        permissionId: String(1001 + index), label: p.0,
        permission: p.1.lowercased().replacingOccurrences(of: " ", with: "-") + ":" + p.0.lowercased(),
        isManagement: p.2)
    }
    let all = state.permissions.map(\.permissionId)
    let nonManagement = state.permissions.filter { !$0.isManagement }.map(\.permissionId)
    let viewOnly = state.permissions.filter { $0.label.hasPrefix("View") && !$0.isManagement }.map(
      \.permissionId)
    state.roles = [
      RoleRecord(roleId: "1", name: "Organization Admin", isBuiltin: true, permissionIds: all),
      RoleRecord(
        roleId: "2", name: "Account Admin", isBuiltin: true,
        permissionIds: nonManagement
          + state.permissions.filter { $0.label == "View users" || $0.label == "Edit users" }.map(
            \.permissionId)),
      RoleRecord(roleId: "3", name: "Regular User", isBuiltin: true, permissionIds: viewOnly + ["1018"]),
    ]
    state.nextIds["role"] = 100
  }

  private func seedUsers(_ state: World.State) {
    let registered = ISODate.format(state.epoch - 400 * 86400)
    let me = UserRecord(
      uid: "1001", name: "Simulator User", email: "sim.user@example.com", dateRegistered: registered,
      lastLogin: ISODate.format(state.epoch - 3600), loginAid: "1234",
      accountGroupRoles: [(aid: "1234", roleIds: ["1"]), (aid: "5678", roleIds: ["1"])])
    state.users = [me]
    state.currentUid = me.uid
    var uid = 1002
    for (g, aid) in ["1234", "5678", "9012"].enumerated() {
      for i in 0..<max(0, options.users) {
        let h = hash(0x05E5, UInt64(g), UInt64(i))
        let first = Self.firstNames[Int(h % UInt64(Self.firstNames.count))]
        let last = Self.lastNames[Int((h >> 16) % UInt64(Self.lastNames.count))]
        let role = i == 0 ? "2" : "3"
        state.users.append(
          UserRecord(
            uid: String(uid), name: "\(first) \(last)",
            email: "\(first.lowercased()).\(last.lowercased()).\(uid)@example.com",
            dateRegistered: ISODate.format(state.epoch - Int(h % 300) * 86400),
            lastLogin: ISODate.format(state.epoch - Int((h >> 20) % 72) * 3600), loginAid: aid,
            accountGroupRoles: [(aid: aid, roleIds: [role])]))
        uid += 1
      }
    }
    state.nextIds["uid"] = uid + 1000
  }

  /// A public-looking IPv4 address (never a private or documentation range).
  private func ipv4(_ h: UInt64) -> String {
    let firsts = [34, 35, 44, 52, 54, 63, 66, 69, 104, 128, 142, 151, 162, 173, 185, 199, 208, 216]
    let a = firsts[Int(h % UInt64(firsts.count))]
    return "\(a).\((h >> 8) % 256).\((h >> 16) % 256).\(1 + (h >> 24) % 253)"
  }

  private func ipv6(_ h: UInt64) -> String {
    let prefixes = ["2600:1f18", "2a05:d018", "2406:da18", "2620:11a", "2a00:1450", "2001:4860"]
    let p = prefixes[Int(h % UInt64(prefixes.count))]
    return
      "\(p):\(String((h >> 8) % 0xFFFF, radix: 16)):\(String((h >> 24) % 0xFFFF, radix: 16))::\(String(1 + (h >> 40) % 0xFFF, radix: 16))"
  }

  private func seedAgents(_ state: World.State) {
    let count = max(2, options.agents)
    for i in 0..<count {
      let city = Self.cities[i % Self.cities.count]
      let round = i / Self.cities.count
      let name = round == 0 ? city.0 : "\(city.0) \(round + 1)"
      let h = hash(0xA6E7, UInt64(i))
      let v4 = ipv4(h)
      let v4b = ipv4(Mix.hash(h, 1))
      state.agents.append(
        AgentRecord(
          agentId: String(3 + i), agentName: name, agentType: "cloud", location: city.0, countryId: city.1,
          latitude: city.2, longitude: city.3, ipAddresses: [v4, v4b, ipv6(h)],
          publicIpAddresses: [v4, v4b, ipv6(Mix.hash(h, 2))],
          network: [
            "Amazon.com, Inc. (AS 16509)", "Google LLC (AS 15169)", "Cogent Communications (AS 174)",
          ][
            Int(h % 3)], prefix: v4.split(separator: ".").prefix(2).joined(separator: ".") + ".0.0/16",
          enabled: true, aids: [], createdDate: ISODate.format(state.epoch - 800 * 86400)))
    }
    let enterprise = max(2, count / 5)
    for i in 0..<enterprise {
      let h = hash(0xE17E, UInt64(i))
      let city = Self.cities[(i * 7 + 3) % Self.cities.count]
      let aid = i % 2 == 0 ? "1234" : "5678"
      state.agents.append(
        AgentRecord(
          agentId: String(100_001 + i), agentName: "ea-\(city.1.lowercased())-\(i + 1)",
          agentType: "enterprise",
          location: city.0, countryId: city.1, latitude: city.2, longitude: city.3,
          ipAddresses: ["10.\(h % 250).\((h >> 8) % 250).\(1 + (h >> 16) % 250)"],
          publicIpAddresses: [ipv4(h)],
          network: "Simulated Enterprise (AS 64512)", prefix: "10.0.0.0/8", enabled: true, aids: [aid],
          hostname: "ea-\(i + 1).corp.example.com", ipv6Policy: "force-ipv4",
          createdDate: ISODate.format(state.epoch - 200 * 86400)))
    }
  }

  private func seedAlertRules(_ state: World.State) {
    let rules: [(String, String, String)] = [
      ("Default Network Alert Rule", "((loss >= 10%) || (probDetail != \"\"))", "end-to-end-server"),
      ("Default HTTP Alert Rule", "((errorType != \"None\"))", "http-server"),
      ("Default Path Trace Alert Rule", "((hops((hopDelay >= 100 ms))))", "path-trace"),
      ("High Latency", "((avgLatency >= 200 ms))", "end-to-end-server"),
    ]
    var id = 9001
    for aid in ["1234", "5678", "9012"] {
      for (n, rule) in rules.enumerated() {
        var f = JSONObject()
        f["ruleName"] = .string(rule.0)
        f["expression"] = .string(rule.1)
        f["direction"] = "to-target"
        f["notifyOnClear"] = true
        f["isDefault"] = .bool(n < 3)
        f["alertType"] = .string(rule.2)
        f["minimumSources"] = 1
        f["roundsViolatingOutOf"] = 1
        f["roundsViolatingRequired"] = 1
        f["roundsViolatingMode"] = "exact"
        f["severity"] = n == 3 ? "major" : "minor"
        state.alertRules.append(AlertRuleRecord(ruleId: String(id), aid: aid, fields: f, testIds: []))
        id += 1
      }
    }
    state.nextIds["rule"] = id
  }

  private func seedTests(_ state: World.State) {
    let cloud = state.agents.filter { $0.agentType == "cloud" }.map(\.agentId)
    let created = state.epoch - 120 * 86400
    func add(_ id: String, _ aid: String, _ type: String, _ fields: JSONObject, _ agents: [String]) {
      let date = ISODate.format(created + Int(hash(0x7E57, UInt64(Int(id) ?? 0)) % 86400))
      let rules = state.alertRules.filter { $0.aid == aid && $0.fields["isDefault"] == .bool(true) }
        .filter { ruleFits($0.fields["alertType"]?.stringValue ?? "", type) }.map(\.ruleId)
      state.tests.append(
        TestRecord(
          testId: id, aid: aid, type: type, fields: fields, agentIds: agents, alertRuleIds: rules,
          createdBy: "Simulator User (sim.user@example.com)", createdDate: date,
          modifiedBy: "Simulator User (sim.user@example.com)", modifiedDate: date,
          versions: [(versionId: "1", timestamp: date, createdBy: "Simulator User (sim.user@example.com)")]))
      for r in rules {
        if let i = state.alertRules.firstIndex(where: { $0.ruleId == r }) {
          state.alertRules[i].testIds.append(id)
        }
      }
    }
    var guide = JSONObject()
    guide["testName"] = "thousandeyes.com network test"
    guide["interval"] = 600
    guide["alertsEnabled"] = true
    guide["enabled"] = true
    guide["description"] = "The Getting Started guide's agent-to-server test."
    guide["server"] = "www.thousandeyes.com"
    guide["port"] = 443
    guide["protocol"] = "tcp"
    guide["probeMode"] = "auto"
    guide["pathTraceMode"] = "classic"
    guide["numPathTraces"] = 3
    guide["networkMeasurements"] = true
    guide["mtuMeasurements"] = false
    guide["bandwidthMeasurements"] = false
    guide["bgpMeasurements"] = true
    guide["usePublicBgp"] = true
    guide["continuousMode"] = false
    guide["ipv6Policy"] = "use-agent-policy"
    add("123456", "1234", "agent-to-server", guide, cloud)

    let kinds = ["http-server", "agent-to-server", "page-load", "dns-server", "agent-to-agent"]
    let intervals = [60, 120, 300, 600, 900, 1800, 3600]
    let sites = ["example.com", "example.org", "example.net", "status.example.com", "api.example.com"]
    for i in 0..<max(0, options.tests) {
      let h = hash(0x7E57, 0x11, UInt64(i))
      let type = kinds[i % kinds.count]
      let site = sites[Int(h % UInt64(sites.count))]
      let aid = i % 3 == 2 ? "5678" : "1234"
      var f = JSONObject()
      f["testName"] = .string("\(type) \(site) #\(i + 1)")
      f["interval"] = .int(intervals[Int((h >> 8) % UInt64(intervals.count))])
      f["alertsEnabled"] = .bool(h & 1 == 0)
      f["enabled"] = true
      f["description"] = ""
      switch type {
      case "http-server", "page-load":
        f["url"] = .string("https://\(site)/")
        f["protocol"] = "tcp"
        f["networkMeasurements"] = true
        f["followRedirects"] = true
        f["httpTimeLimit"] = 5
        f["sslVersionId"] = "0"
        f["verifyCertificate"] = true
      case "agent-to-server":
        f["server"] = .string(site)
        f["port"] = 443
        f["protocol"] = "tcp"
      case "dns-server":
        f["domain"] = .string(site + " A")
        f["dnsServers"] = .array(["ns1.example.net"])
      default:
        f["targetAgentId"] = .string(cloud[Int(h % UInt64(cloud.count))])
        f["direction"] = "bidirectional"
        f["protocol"] = "tcp"
      }
      let agentCount = 1 + Int((h >> 16) % UInt64(min(cloud.count, 6)))
      let start = Int((h >> 24) % UInt64(cloud.count))
      let agents = (0..<agentCount).map { cloud[(start + $0) % cloud.count] }
      add(String(200_001 + i), aid, type, f, agents)
    }
    state.nextIds["test"] = 300_001
  }

  private func seedAlerts(_ state: World.State) {
    var n: UInt64 = 0
    for test in state.tests where test.alertsEnabled {
      for ruleId in test.alertRuleIds.prefix(2) {
        guard let rule = state.alertRules.first(where: { $0.ruleId == ruleId }) else { continue }
        for k in 0..<3 {
          n += 1
          let h = hash(0xA1E7, n)
          let start = state.epoch - Int(h % (7 * 86400)) / test.interval * test.interval
          let active = k == 0 && h & 3 != 0
          let end = active ? nil : start + test.interval * (1 + Int((h >> 8) % 12))
          let uuid = Self.uuid(h)
          state.alerts.append(
            AlertRecord(
              alertId: uuid, aid: test.aid,
              alertType: rule.fields["alertType"]?.stringValue ?? "end-to-end-server",
              testId: test.testId, ruleId: ruleId, startEpoch: start, endEpoch: end,
              severity: ["minor", "major", "critical"][Int((h >> 12) % 3)],
              violationCount: 1 + Int((h >> 16) % 4),
              agentIds: Array(test.agentIds.prefix(1 + Int((h >> 20) % 3)))))
        }
      }
    }
    state.alerts.sort { ($0.startEpoch, $0.alertId) > ($1.startEpoch, $1.alertId) }
  }

  static func uuid(_ h: UInt64) -> String {
    let a = Mix.hash(h, 0xABC)
    func hex(_ v: UInt64, _ width: Int) -> String {
      let s = String(v, radix: 16)
      return String(repeating: "0", count: max(0, width - s.count)) + s.suffix(width)
    }
    return
      "\(hex(h >> 32, 8))-\(hex((h >> 16) & 0xFFFF, 4))-4\(hex(h & 0xFFF, 3))-a\(hex(a >> 52, 3))-\(hex(a & 0xFFFF_FFFF_FFFF, 12))"
  }

  private func seedSuppressionWindows(_ state: World.State) {
    var id = 7001
    for aid in ["1234", "5678"] {
      var weekly = JSONObject()
      weekly["name"] = "Weekly maintenance"
      weekly["isEnabled"] = true
      weekly["startDate"] = .string(ISODate.format(state.epoch - 3 * 86400))
      weekly["duration"] = 7200  // seconds
      weekly["repeat"] = .object([
        ("type", "week"), ("intervalType", "week"), ("intervalLength", 1), ("daysOfWeek", .array(["sun"])),
      ])
      weekly["endRepeat"] = .object([("type", "never")])
      let tests = state.tests.filter { $0.aid == aid }.prefix(2).map(\.testId)
      state.suppressionWindows.append(
        SuppressionWindowRecord(windowId: String(id), aid: aid, fields: weekly, testIds: Array(tests)))
      id += 1
      var once = JSONObject()
      once["name"] = "Data centre migration"
      once["isEnabled"] = false
      once["startDate"] = .string(ISODate.format(state.epoch + 5 * 86400))
      once["duration"] = 28800
      state.suppressionWindows.append(
        SuppressionWindowRecord(windowId: String(id), aid: aid, fields: once, testIds: []))
      id += 1
    }
    state.nextIds["window"] = id
  }

  /// Two test tags per account group; `env:production` is on the group's first test.
  private func seedTags(_ state: World.State) {
    var n: UInt64 = 0
    for aid in ["1234", "5678"] {
      for (key, value, color) in [("env", "production", "#D32F2F"), ("team", "netops", "#1976D2")] {
        var f = JSONObject()
        f["key"] = .string(key)
        f["value"] = .string(value)
        f["objectType"] = "test"
        f["type"] = "static"
        f["accessType"] = "all"
        f["color"] = .string(color)
        let first = state.tests.first { $0.aid == aid }
        let assigned =
          key == "env" ? first.map { [TagRecord.Assignment(id: $0.testId, type: "test")] } ?? [] : []
        state.tags.append(
          TagRecord(
            id: Self.uuid(hash(0x7A6, n)), aid: aid, fields: f,
            createDate: ISODate.format(state.epoch - 90 * 86400),
            modifiedDate: nil, assignments: assigned))
        n += 1
      }
    }
  }

  private func seedEndpointAgents(_ state: World.State) {
    let platforms: [(String, String)] = [
      ("windows", "Microsoft Windows 11 Enterprise"), ("mac", "macOS 14.5"), ("linux", "Ubuntu 22.04"),
    ]
    var n = 0
    for aid in ["1234", "5678"] {
      for i in 0..<max(6, options.users * 5) {
        let h = hash(0xE4D, UInt64(n))
        n += 1
        let p = platforms[Int(h % 3)]
        let first = Self.firstNames[Int((h >> 8) % UInt64(Self.firstNames.count))].lowercased()
        state.endpointAgents.append(
          EndpointAgentRecord(
            id: Self.uuid(h), aid: aid, name: "\(first)-laptop-\(i + 1)",
            computerName: "\(first.uppercased())-\(String(h % 100000, radix: 36).uppercased())",
            platform: p.0,
            osVersion: p.1, publicIP: ipv4(Mix.hash(h, 9)),
            lastSeen: ISODate.format(state.epoch - Int((h >> 16) % 7200)),
            createdAt: ISODate.format(state.epoch - Int((h >> 24) % 300) * 86400),
            enabled: (h >> 40) % 10 != 0,
            version: "1.\(180 + (h >> 44) % 20).0"))
      }
    }
  }
}

/// Whether an alert rule of `alertType` applies to a test of `testType`.
func ruleFits(_ alertType: String, _ testType: String) -> Bool {
  switch alertType {
  case "end-to-end-server", "path-trace": return testType == "agent-to-server"
  case "end-to-end-agent": return testType == "agent-to-agent"
  default: return alertType == testType
  }
}

extension TestRecord {
  var alertsEnabled: Bool { fields["alertsEnabled"] == .bool(true) }
}
