import Dispatch
import Foundation
import LuaHost
import ThousandEyes

/// The Swift primitives under the `te` API: one blocking request, a page cursor, catalog
/// lookups, sleep, clock and configuration. The Lua library in `TELibrary` builds the public
/// functions on them.
///
/// Every call runs on the run's Lua thread (a dedicated `Thread`, never a Swift concurrency
/// thread) and blocks it on a semaphore while the async client works. Responses are decoded
/// from their bytes straight onto the Lua stack, once.
final class TEBridge {
  let client: ThousandEyesClient
  let context: RunContext
  let planner: TEWritePlanner
  /// The requests `te.parallel` has in flight.
  let inFlight = InFlightRequests()

  init(client: ThousandEyesClient, context: RunContext, planner: TEWritePlanner?) {
    self.client = client
    self.context = context
    self.planner = planner ?? LoggingWritePlanner(logger: context.logger)
  }

  // MARK: Blocking on async work

  private final class Outcome<T>: @unchecked Sendable {
    var result: Result<T, Error>?
  }

  /// Runs `work` on Swift concurrency and blocks this thread until it ends. A killed run
  /// (timeout watchdog), or a REPL statement stopped by Ctrl-C or its timeout
  /// (`isStopRequested`), cancels the work within 50 ms.
  func block<T>(_ state: LuaState, _ work: @escaping @Sendable () async throws -> T) throws -> T {
    let semaphore = DispatchSemaphore(value: 0)
    let outcome = Outcome<T>()
    let task = Task {
      do {
        outcome.result = .success(try await work())
      } catch {
        outcome.result = .failure(error)
      }
      semaphore.signal()
    }
    while semaphore.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
      if state.isStopRequested {
        task.cancel()
        semaphore.wait()
        throw LuaScriptError("stopped")
      }
    }
    return try outcome.result!.get()
  }

  // MARK: Primitives

  /// `request(method, path, query, body)`: one API request; returns the decoded body (nil
  /// when empty). In a dry run, writes go to the planner and unclassifiable requests stop.
  func request(_ call: LuaCallContext) throws -> Int32 {
    let prepared = try prepare(call)
    defer { if !prepared.keptByPlan { call.state.releaseHostMemory(prepared.charged) } }
    let bytes: [UInt8]?
    if let answer = prepared.answer {
      bytes = answer
    } else {
      let client = self.client
      let request = prepared.request
      do {
        let body = try block(call.state) { try await client.send(request).body }
        bytes = received(body, of: request)
      } catch {
        throw failure(error, request: request, state: call.state)
      }
    }
    return try Self.pushDecoded(
      bytes, call: call, method: prepared.request.method, path: prepared.request.path)
  }

  /// A request checked and, in a dry run, planned: what `request` and `te.parallel`'s
  /// `request_start` share before anything is sent.
  struct PreparedRequest {
    let request: APIRequest
    /// Host memory charged for the body (and its decoded trees) while the request lasts.
    let charged: Int
    /// Whether a dry run's plan keeps the body (its charge stays for the run).
    let keptByPlan: Bool
    /// The answer when nothing is sent (a planned write, the planner's answer); nil to send.
    let answer: [UInt8]??
  }

  /// Checks the arguments of `request(method, path, query, body)`, charges the body's memory,
  /// validates the write and, in a dry run, plans it. The caller releases `charged` unless
  /// `keptByPlan`; on a throw, nothing stays charged.
  func prepare(_ call: LuaCallContext) throws -> PreparedRequest {
    let function = "te." + (try call.string(1)).lowercased()
    guard let method = HTTPMethodName(name: try call.string(1)) else {
      throw LuaScriptError("\(function): unknown HTTP method")
    }
    let path = try Self.path(call, function: function)
    let query = try TEQuery.items(try call.argument(3), function: function)
    let body = try Self.body(call, index: 4, function: function)
    // The body and the trees decoded from it (schema validation, the planner) are host memory:
    // charged while the request lasts, and for the whole run once a dry run's plan keeps it.
    let charged = (body?.count ?? 0) * (1 + Self.bodyDecodingFactor)
    try call.state.chargeHostMemory(charged)
    var handedOver = false
    defer { if !handedOver { call.state.releaseHostMemory(charged) } }
    var request = APIRequest(method, path, query: query, body: Self.arraysForEmptyTables(body, method, path))
    request.maxResponseBytes = Self.responseAllowance(call.state)
    try requireToken()
    do {
      try Self.validate(request, function: function, call: call)
    } catch let refusal as Refusal {
      if context.isDryRun { planner.refused(refusal.failure) }
      throw refusal.error
    }
    var answer: [UInt8]?? = nil
    var planned = false
    if context.isDryRun, let plannedWrite = try plan(request, function: function, call: call) {
      planned = true
      answer = .some(plannedWrite.body)
    } else if context.isDryRun, let given = try planner.answer(request) {
      answer = .some(given)
    }
    // From here the caller owns the charge.
    handedOver = true
    return PreparedRequest(
      request: request, charged: charged, keptByPlan: planned, answer: answer)
  }

  /// A received body as the runbook sees it: amended by the planner in a dry run.
  func received(_ bytes: [UInt8], of request: APIRequest) -> [UInt8]? {
    context.isDryRun ? planner.amend(bytes, of: request, collectionKey: nil) : bytes
  }

  /// Bytes of host memory a request body takes per byte while it is decoded into a `PlanJSON`
  /// tree (Foundation's decoder, then the tree): a body of 400,000 small objects (16 MB)
  /// peaked near 200 MB uncharged.
  static let bodyDecodingFactor = 12

  /// Checks a write's body against its operation's request schema before it is planned or
  /// sent: a body the API would refuse raises a structured error shaped like the API's 400
  /// (`kind = "validation"`, `status = 400`, `errors = {{field, code, message}, ...}`), whose
  /// message names the runbook's line.
  static func validate(_ request: APIRequest, function: String, call: LuaCallContext) throws {
    guard request.method != .get, let operation = Catalog.match(method: request.method, path: request.path),
      operation.access == .write
    else { return }
    let body: PlanJSON?
    if let bytes = request.body, !bytes.isEmpty {
      body = try? PlanJSON.decode(bytes)
    } else {
      body = nil
    }
    let problems = BodyValidator.problems(body, for: operation)
    guard !problems.isEmpty else { return }
    throw refusal(request, operation: operation, problems: problems, function: function, call: call)
  }

  /// The refusal of a write the API would answer with 400 `problems`: the failure, and a Lua
  /// error shaped like the API's 400 that names the runbook's line.
  static func refusal(
    _ request: APIRequest, operation: ThousandEyes.Operation, problems: [BodyValidator.Problem],
    function: String, call: LuaCallContext
  ) -> Refusal {
    var failure = BodyValidationError(
      method: request.method.rawValue, path: request.path, operationId: operation.id, problems: problems)
    let location = runbookLocation(call)
    let message = (location.map { $0 + ": " } ?? "") + function + ": " + failure.message
    failure.location = location
    return Refusal(
      failure: failure,
      error: LuaErrorValue(
        message: message,
        fields: [
          "kind": .text("validation"), "status": .integer(400), "title": .text("Bad Request"),
          "detail": .text(
            problems.contains { $0.code == "REQUIRED" || $0.code == "MISSING_BODY" }
              ? "Your request object is missing fields." : "Your request object contains invalid fields."),
          "method": .text(request.method.rawValue), "path": .text(request.path),
          "operation": .text(operation.id),
          "errors": .table(
            LuaTable(
              array: problems.map {
                .table(
                  LuaTable(fields: [
                    "field": .text($0.field), "code": .text($0.code), "message": .text($0.message),
                  ]))
              })),
        ]))
  }

  /// A write refused before it was planned or sent: the failure, and the Lua error raised.
  struct Refusal: Error {
    let failure: BodyValidationError
    let error: LuaErrorValue
  }

  /// A write's body with each empty Lua table (encoded `{}`) that its request schema takes as an
  /// array sent as `[]` (`permissions = {}`); other bodies as they are.
  static func arraysForEmptyTables(_ body: [UInt8]?, _ method: HTTPMethodName, _ path: String) -> [UInt8]? {
    guard let body, method != .get, body.count < 1 << 20,
      let operation = Catalog.match(method: method, path: path), operation.access == .write,
      let value = try? PlanJSON.decode(body)
    else { return body }
    let fixed = RequestShape.emptyTablesAsArrays(value, operation: operation)
    return fixed == value ? body : fixed.encoded()
  }

  /// `file:line` of the innermost runbook frame on the stack (the `te` library's frames,
  /// named `te/...`, and C functions skipped), or `nil`.
  static func runbookLocation(_ call: LuaCallContext) -> String? {
    call.innermostLocation { !$0.hasPrefix("[C]") && !InternalChunk.isInternal($0) }
  }

  /// A request without a token fails with one sentence (an uncaught one ends the run with
  /// exit 4, without location or traceback): `{kind = "auth", reason = "no token", message}`.
  private func requireToken() throws {
    if client.configuration.token == nil {
      throw LuaErrorValue(
        message: ConfigurationError.missingToken.description,
        fields: ["kind": .text("auth"), "reason": .text("no token")])
    }
  }

  /// In a dry run: `nil` for a read (send it), or the planner's answer for a write.
  private func plan(_ request: APIRequest, function: String, call: LuaCallContext) throws -> (
    body: [UInt8]?, Void
  )? {
    guard let operation = Catalog.match(method: request.method, path: request.path) else {
      throw LuaScriptError(
        "\(function): dry-run cannot classify \(request.method.rawValue) \(request.path): "
          + "no API operation matches it, so the run stops rather than guess")
    }
    guard operation.access == .write else { return nil }
    do {
      return (try planner.plan(request, operation: operation), ())
    } catch let refused as PlanTimeRefusal {
      // What the API checks beyond the body's shape (a taken name, an id that does not exist):
      // a plan with it would fail at apply.
      let refusal = Self.refusal(
        request, operation: operation, problems: refused.problems, function: function, call: call)
      planner.refused(refusal.failure)
      throw refusal.error
    }
  }

  /// `pages(method, path, query, body, key, fields, values)`: a function returning the next
  /// decoded page, or nil after the last. The next page is fetched while the runbook works on
  /// this one. With `fields` (a list of member paths, checked by the Lua side), the items under
  /// `key` are decoded with only those members (``JSONProjection``); with `values` true, as one
  /// flat array of their values.
  func pages(_ call: LuaCallContext) throws -> Int32 {
    let function = "te.pages"
    guard let method = HTTPMethodName(name: try call.string(1)) else {
      throw LuaScriptError("\(function): unknown HTTP method")
    }
    let path = try Self.path(call, function: function)
    let query = try TEQuery.items(try call.argument(3), function: function)
    let body = try Self.body(call, index: 4, function: function)
    let key = try call.argument(5).stringValue
    var options = LuaJSON.DecodeOptions()
    if let key, let fields = try call.argument(6).tableValue?.array {
      let shape: JSONProjection.Shape = call.isTruthy(7) ? .values : .objects
      do {
        options.projection = try JSONProjection(
          collectionKey: key, fields: fields.compactMap(\.stringValue), shape: shape)
      } catch {
        throw LuaScriptError("\(function): \(error.message)")
      }
    }
    var request = APIRequest(method, path, query: query, body: body)
    request.maxResponseBytes = Self.responseAllowance(call.state)
    try requireToken()
    if context.isDryRun {
      guard let operation = Catalog.match(method: method, path: request.path) else {
        throw LuaScriptError(
          "\(function): dry-run cannot classify \(method.rawValue) \(request.path): no API operation matches it"
        )
      }
      if operation.access == .write {
        throw LuaScriptError("\(function): \(operation.id) writes; it cannot be paged in a dry run")
      }
    }
    let cursor = PageCursor(client.pages(request, collectionKey: key).makeAsyncIterator())
    call.pushFunction("te.pages") { [self] inner in
      let page: Page?
      do {
        page = try block(inner.state) { try await cursor.next() }
      } catch {
        throw failure(error, request: request, state: inner.state)
      }
      guard let page else {
        try inner.push(.nil)
        return 1
      }
      let body = context.isDryRun ? planner.amend(page.body, of: request, collectionKey: key) : page.body
      return try Self.pushDecoded(body, call: inner, method: method, path: path, options: options)
    }
    return 1
  }

  /// `update_body(method, path, current, changes)`: the body of an update of `current` (the
  /// object as read, or nil) with `changes` (see ``RequestShape/updateBody``): the whole object
  /// merged when the operation's PUT replaces it, only the changes otherwise.
  static func updateBody(_ call: LuaCallContext) throws -> Int32 {
    let function = "te.update"
    guard let method = HTTPMethodName(name: try call.string(1)) else {
      throw LuaScriptError("\(function): unknown HTTP method")
    }
    let path = try Self.path(call, function: function)
    guard let operation = Catalog.match(method: method, path: path) else {
      throw LuaScriptError("\(function): no API operation matches \(method.rawValue) \(path)")
    }
    let current = try Self.body(call, index: 3, function: function).flatMap { try? PlanJSON.decode($0) }
    guard
      let changes = try Self.body(call, index: 4, function: function).flatMap({ try? PlanJSON.decode($0) })
    else {
      throw LuaScriptError("\(function): the changes must be a table")
    }
    let body = RequestShape.updateBody(
      current: current, changes: changes, operation: operation,
      full: RequestShape.replacesWholeObject(operation))
    return try Self.pushDecoded(body.encoded(), call: call, method: method, path: path)
  }

  /// `operation(id)` or `match(method, path)`: the catalog entry as a table, or nil.
  static func pushOperation(_ operation: ThousandEyes.Operation?, call: LuaCallContext) throws -> Int32 {
    guard let operation else {
      try call.push(.nil)
      return 1
    }
    var fields: [String: LuaValue] = [
      "id": .text(operation.id),
      "method": .text(operation.method.rawValue),
      "path": .text(operation.path),
      "path_params": .table(LuaTable(array: operation.pathParameters.map { .text($0) })),
      "query_params": .table(LuaTable(array: operation.queryParameters.map { .text($0) })),
      "access": .text(operation.access.rawValue),
      "paginated": .boolean(operation.isPaginated),
      "kind": .text(operation.objectKind),
      "response_fields": .table(LuaTable(array: operation.responseFields.map { .text($0) })),
    ]
    if let key = operation.collectionKey { fields["collection_key"] = .text(key) }
    if let request = operation.requestFields {
      fields["request_fields"] = .table(LuaTable(array: request.map { .text($0) }))
    }
    try call.push(.table(LuaTable(fields: fields)))
    return 1
  }

  /// `sleep(seconds)`: blocks the run, in slices so a watchdog kill ends it promptly.
  func sleep(_ call: LuaCallContext) throws -> Int32 {
    guard let seconds = try call.argument(1).doubleValue, seconds >= 0, seconds.isFinite else {
      throw LuaScriptError(
        "bad argument #1 to 'te.sleep' (non-negative number expected, got \(call.typeName(1)))")
    }
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if call.isStopRequested { break }
      Thread.sleep(forTimeInterval: min(0.05, deadline.timeIntervalSinceNow))
    }
    return 0
  }

  /// `raise(fields)`: raises a structured API-like error built in Lua.
  static func raise(_ call: LuaCallContext) throws -> Int32 {
    let fields = try call.argument(1).tableValue?.fields ?? [:]
    let message = fields["message"]?.stringValue ?? "error"
    throw LuaErrorValue(message: message, fields: fields)
  }

  // MARK: Helpers

  private static func path(_ call: LuaCallContext, function: String) throws -> String {
    guard case .string(let bytes) = try call.argument(2) else {
      throw LuaScriptError("bad argument #1 to '\(function)' (string expected, got \(call.typeName(2)))")
    }
    var path = String(decoding: bytes, as: UTF8.self)
    if !path.hasPrefix("/") { path = "/" + path }
    if path.hasPrefix("/v7/") { path.removeFirst(3) }
    // A dot segment would name another resource once a server or proxy normalises the path
    // (`/users/1/../../tests`): the request would not be the one checked, planned and shown.
    let route = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
    for segment in route.split(separator: "/") {
      let plain = segment.replacingOccurrences(of: "%2e", with: ".", options: .caseInsensitive)
      if plain == "." || plain == ".." {
        throw LuaScriptError(
          "\(function): the path \(route) has a '\(segment)' segment; name each object by its id")
      }
    }
    return path
  }

  private static func body(_ call: LuaCallContext, index: Int32, function: String) throws -> [UInt8]? {
    guard !call.isNilOrMissing(index) else { return nil }
    do {
      return try call.encodeJSON(index)
    } catch {
      throw LuaScriptError("\(function): body \(error.message)")
    }
  }

  /// The largest response body a request of this run may receive (nil without a cap): half
  /// the memory it has left, since the client holds the body twice for a moment (its buffer,
  /// then the bytes handed over). A larger one is refused while it arrives.
  private static func responseAllowance(_ state: LuaState) -> Int? {
    let available = state.memoryAvailable
    return available == Int.max ? nil : available / 2
  }

  /// The Lua error for a failed request; a body refused because it would not fit in the
  /// memory the run has left stops the run at its memory limit.
  func failure(_ error: Error, request: APIRequest, state: LuaState) -> Error {
    if let transport = error as? TransportError, transport.kind == .responseTooLarge,
      let allowance = request.maxResponseBytes, allowance < client.configuration.maxResponseBytes
    {
      return state.memoryLimitExceeded()
    }
    return TEErrors.luaError(error)
  }

  static func pushDecoded(
    _ bytes: [UInt8]?, call: LuaCallContext, method: HTTPMethodName, path: String,
    options: LuaJSON.DecodeOptions = LuaJSON.DecodeOptions()
  ) throws -> Int32 {
    guard let bytes, !bytes.isEmpty else {
      try call.push(.nil)
      return 1
    }
    // The body counts against --max-memory while it is decoded into Lua values.
    try call.state.chargeHostMemory(bytes.count)
    defer { call.state.releaseHostMemory(bytes.count) }
    do {
      try call.pushJSON(bytes, options: options)
    } catch {
      throw LuaScriptError("\(method.rawValue) \(path): the response is not valid JSON (\(error.message))")
    }
    return 1
  }
}

/// A page iterator shared with the async task that advances it.
final class PageCursor: @unchecked Sendable {
  private let iterator: PageSequence.Iterator

  init(_ iterator: PageSequence.Iterator) {
    self.iterator = iterator
  }

  func next() async throws -> Page? {
    try await iterator.next()
  }
}
