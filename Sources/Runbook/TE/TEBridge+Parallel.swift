import LuaHost
import ThousandEyes

/// The primitives under `te.parallel` (Lua/te/parallel.lua): a request started without
/// blocking the Lua thread, a wait for the next completed request of a group, its result, and
/// cancellation. Lua stays single-threaded: only the HTTP work runs concurrently.
extension TEBridge {
  /// `request_start(method, path, query, body, group)`: checks (and in a dry run plans) the
  /// request like `request`, then starts it and returns `true, handle`; a request answered
  /// without sending anything (a dry run's write) returns `false, body` at once.
  func startRequest(_ call: LuaCallContext) throws -> Int32 {
    let group = Int(try call.integer(5))
    let prepared = try prepare(call)
    if let answer = prepared.answer {
      defer { if !prepared.keptByPlan { call.state.releaseHostMemory(prepared.charged) } }
      try call.push(.boolean(false))
      return 1
        + (try Self.pushDecoded(
          answer, call: call, method: prepared.request.method, path: prepared.request.path))
    }
    let client = self.client
    let request = prepared.request
    let handle = inFlight.start(
      group: group, request: request, charged: prepared.charged
    ) {
      try await client.send(request).body
    }
    try call.push(.boolean(true))
    try call.push(.integer(Int64(handle)))
    return 2
  }

  /// `request_finish(handle)`: the decoded body of a completed request (its error raised as
  /// `request` raises it).
  func finishRequest(_ call: LuaCallContext) throws -> Int32 {
    let handle = Int(try call.integer(1))
    guard let (entry, outcome) = inFlight.take(handle) else {
      throw LuaScriptError("te.parallel: request \(handle) is not a completed request")
    }
    call.state.releaseHostMemory(entry.charged)
    let bytes: [UInt8]?
    switch outcome {
    case .success(let body): bytes = received(body, of: entry.request)
    case .failure(let error): throw failure(error, request: entry.request, state: call.state)
    }
    return try Self.pushDecoded(bytes, call: call, method: entry.request.method, path: entry.request.path)
  }

  /// `wait_any(group)`: blocks until a request of `group` completes and returns its handle, or
  /// nil when the group has nothing in flight. A killed run, or a REPL statement stopped,
  /// cancels every request in flight.
  func waitAny(_ call: LuaCallContext) throws -> Int32 {
    let group = Int(try call.integer(1))
    do {
      guard let handle = try inFlight.waitAny(group: group, stop: { call.isStopRequested }) else {
        try call.push(.nil)
        return 1
      }
      try call.push(.integer(Int64(handle)))
      return 1
    } catch is InFlightRequests.Stopped {
      cancel(group: nil, state: call.state)
      throw LuaScriptError("stopped")
    }
  }

  /// `new_group()`: a group id for one `te.parallel` call.
  func newGroup(_ call: LuaCallContext) throws -> Int32 {
    try call.push(.integer(Int64(inFlight.newGroup())))
    return 1
  }

  /// `cancel(group)`: cancels the group's requests in flight; their outcomes are dropped.
  func cancelGroup(_ call: LuaCallContext) throws -> Int32 {
    cancel(group: Int(try call.integer(1)), state: call.state)
    return 0
  }

  /// `default_concurrency()`: requests to keep in flight, from the organization's limit and
  /// the measured latency, capped by `--max-concurrency`.
  func defaultConcurrency(_ call: LuaCallContext) throws -> Int32 {
    let cap = client.configuration.maxConcurrency
    try call.push(.integer(Int64(client.advisor.suggestedConcurrency(cap: cap))))
    return 1
  }

  private func cancel(group: Int?, state: LuaState) {
    for entry in inFlight.cancel(group: group) {
      state.releaseHostMemory(entry.charged)
    }
  }
}
