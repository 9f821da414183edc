/// Every operation the simulator implements. scripts/sim/gen_coverage.py reads this table
/// (and the handler files it names) to build docs/simulator-coverage.md.
enum Routes {
  static let all: [Route] =
    AccountGroupHandlers.routes + UserHandlers.routes + RoleHandlers.routes + AgentHandlers.routes
    + TestHandlers.routes + ResultHandlers.routes + AlertHandlers.routes + AlertRuleHandlers.routes
    + SuppressionWindowHandlers.routes + EndpointAgentHandlers.routes + InstantTestHandlers.routes
    + TagHandlers.routes
}

extension SimulatorServer {
  /// The implemented operations as `METHOD /path operationId` lines (for `terun sim --list-routes`).
  public static var routeTable: [String] {
    Routes.all.map { "\($0.method) \($0.template) \($0.operationId)" }
  }
}
