import Runbook
import ThousandEyes

/// The dry-run planner of a REPL session: a ``DryRunPlanner`` that `:apply` replaces by a
/// fresh one once its plan has been applied.
final class SessionPlanner: TEWritePlanner {
  private let client: ThousandEyesClient
  private(set) var current: DryRunPlanner

  init(client: ThousandEyesClient) {
    self.client = client
    self.current = DryRunPlanner(client: client)
  }

  func plan(_ request: APIRequest, operation: ThousandEyes.Operation) throws -> [UInt8]? {
    try current.plan(request, operation: operation)
  }

  /// The plan of the writes recorded since the last `:apply`.
  var plan: Plan {
    current.makePlan(source: RunbookSource(displayName: "repl", bytes: [], folder: nil), parameters: [:])
  }

  /// Starts an empty plan.
  func reset() { current = DryRunPlanner(client: client) }
}
