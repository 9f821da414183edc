import Foundation

/// The simulated organization: everything the API can read and write, behind one lock.
final class World: @unchecked Sendable {
  /// The mutable state; only touched through ``read(_:)`` and ``write(_:)``.
  final class State {
    let orgId = "176"
    let organizationName = "Simulated Organization"
    var accountGroups: [AccountGroupRecord] = []
    var users: [UserRecord] = []
    var roles: [RoleRecord] = []
    var permissions: [PermissionRecord] = []
    var agents: [AgentRecord] = []
    var tests: [TestRecord] = []
    var alertRules: [AlertRuleRecord] = []
    var alerts: [AlertRecord] = []
    var suppressionWindows: [SuppressionWindowRecord] = []
    var endpointAgents: [EndpointAgentRecord] = []
    var tags: [TagRecord] = []
    /// The user the token belongs to.
    var currentUid = ""
    /// Ids handed out for new objects, per kind.
    var nextIds: [String: Int] = [:]
    /// The epoch second the world was built (server start, aligned to the hour).
    var epoch = 0

    /// A fresh id of `kind`, starting at `start`.
    func newId(_ kind: String, start: Int) -> String {
      let id = nextIds[kind] ?? start
      nextIds[kind] = id + 1
      return String(id)
    }

    var currentUser: UserRecord? { users.first { $0.uid == currentUid } }

    func accountGroup(_ aid: String) -> AccountGroupRecord? { accountGroups.first { $0.aid == aid } }
    func role(_ id: String) -> RoleRecord? { roles.first { $0.roleId == id } }
    func agent(_ id: String) -> AgentRecord? { agents.first { $0.agentId == id } }
  }

  private let lock = NSLock()
  private let state: State
  /// The options the world was built from.
  let options: SimulatorOptions
  /// The key that signs pagination cursors.
  let cursorKey: [UInt8]

  init(options: SimulatorOptions, now: Int = Int(Date().timeIntervalSince1970)) {
    self.options = options
    self.state = WorldSeeder(options: options, now: now).build()
    var rng = SplitMix64(seed: options.seed ^ 0xC0_4A50_4B)
    self.cursorKey = (0..<32).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
  }

  /// Runs `body` with shared access to the state.
  func read<T>(_ body: (State) throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body(state)
  }

  /// Runs `body` with exclusive access to the state.
  func write<T>(_ body: (State) throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body(state)
  }
}
