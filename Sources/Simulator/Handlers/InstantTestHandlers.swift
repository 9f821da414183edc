/// `POST /tests/{testId}/run`: reruns an existing test as an instant test.
///
/// Instant tests have their own budget (`X-Instant-Test-Rate-Limit-*`, 24 per minute by
/// default), checked by the responder for every route listed here.
enum InstantTestHandlers {
  static let routes: [Route] = [
    Route("POST", "/tests/{testId}/run", "runInstantTest", run)
  ]

  static let operationIds: Set<String> = Set(routes.map(\.operationId))

  static func run(_ request: SimRequest, _ world: World) throws -> SimResponse {
    try world.read { state in
      _ = try TestHandlers.find(state, request, type: nil)
      return SimResponse(status: 200, body: [], contentType: "")
    }
  }
}
