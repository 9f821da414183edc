/// An account group of the simulated organization.
struct AccountGroupRecord {
  var aid: String
  var name: String
  var isDefault: Bool
  /// Enterprise agents shared into this group are listed on the agents.
}

/// A user and their roles per account group.
struct UserRecord {
  var uid: String
  var name: String
  var email: String
  var dateRegistered: String
  var lastLogin: String
  var loginAid: String
  /// Role ids per account group id, in the order given.
  var accountGroupRoles: [(aid: String, roleIds: [String])]
  /// Roles held in every account group.
  var allAccountGroupRoleIds: [String] = []

  func isMember(of aid: String) -> Bool {
    loginAid == aid || accountGroupRoles.contains { $0.aid == aid } || !allAccountGroupRoleIds.isEmpty
  }
}

/// A role: a named set of permissions.
struct RoleRecord {
  var roleId: String
  var name: String
  var isBuiltin: Bool
  var permissionIds: [String]
}

/// One permission a role can grant.
struct PermissionRecord {
  var permissionId: String
  var label: String
  var permission: String
  var isManagement: Bool
}

/// A Cloud or Enterprise Agent.
struct AgentRecord {
  var agentId: String
  var agentName: String
  /// `cloud` or `enterprise`.
  var agentType: String
  var location: String
  var countryId: String
  var latitude: Double
  var longitude: Double
  var ipAddresses: [String]
  var publicIpAddresses: [String]
  var network: String
  var prefix: String
  var enabled: Bool
  /// Account groups an Enterprise Agent is shared with (Cloud Agents are in every group).
  var aids: [String]
  var hostname: String = ""
  var ipv6Policy: String = "prefer-ipv6"
  var keepBrowserCache: Bool = false
  var targetForTests: String? = nil
  var createdDate: String = ""

  func isVisible(in aid: String) -> Bool {
    agentType == "cloud" || aids.contains(aid)
  }
}

/// A test of any type; `fields` holds the type's own settings as the API spells them.
struct TestRecord {
  var testId: String
  var aid: String
  var type: String
  var fields: JSONObject
  var agentIds: [String]
  var alertRuleIds: [String]
  var createdBy: String
  var createdDate: String
  var modifiedBy: String
  var modifiedDate: String
  /// Every saved version, oldest first.
  var versions: [(versionId: String, timestamp: String, createdBy: String)]

  var interval: Int { fields["interval"]?.intValue ?? 600 }
  var name: String { fields["testName"]?.stringValue ?? "" }
}

/// An alert rule.
struct AlertRuleRecord {
  var ruleId: String
  var aid: String
  var fields: JSONObject
  var testIds: [String]
}

/// An alert (active or cleared).
struct AlertRecord {
  var alertId: String
  var aid: String
  var alertType: String
  var testId: String
  var ruleId: String
  var startEpoch: Int
  var endEpoch: Int?
  var severity: String
  var violationCount: Int
  var agentIds: [String]
}

/// An alert suppression window.
struct SuppressionWindowRecord {
  var windowId: String
  var aid: String
  var fields: JSONObject
  var testIds: [String]
}

/// An Endpoint Agent.
struct EndpointAgentRecord {
  var id: String
  var aid: String
  var name: String
  var computerName: String
  var platform: String
  var osVersion: String
  var publicIP: String
  var lastSeen: String
  var createdAt: String
  var enabled: Bool
  var version: String
}

/// A tag: a key and value for one object type, with the objects it is statically assigned to.
struct TagRecord {
  /// One object a tag is assigned to.
  struct Assignment: Equatable {
    var id: String
    var type: String
  }

  var id: String
  var aid: String
  /// The settable fields as the API spells them (`key`, `value`, `objectType`, `color`, ...).
  var fields: JSONObject
  var createDate: String
  var modifiedDate: String?
  var assignments: [Assignment]
}
