import Foundation
import Hummingbird
import Logging
import NIOCore

/// How `terun schedule serve --listen` serves the daemon over HTTP.
public struct StatusServerOptions: Sendable {
  /// The address to bind: loopback unless the user names another.
  public var host: String = "127.0.0.1"
  /// The port; 0 picks a free one.
  public var port: Int = 9464
  /// The token "run now" requires; nil leaves the page read-only.
  public var triggerToken: String?

  public init(host: String = "127.0.0.1", port: Int = 9464, triggerToken: String? = nil) {
    self.host = host
    self.port = port
    self.triggerToken = triggerToken
  }
}

/// The daemon's HTTP side, on Hummingbird:
///
/// - `GET /` the status page (`StatusPage`);
/// - `GET /metrics` the Prometheus exposition (`ScheduleMetrics`);
/// - `GET /healthz` `ok` for liveness probes;
/// - `GET /runs/ID/log` a run's log, `GET /runs/ID/file?path=P` one of its output files, as
///   plain text or a download, never as HTML;
/// - `POST /jobs/NAME/run` "run now", only with a trigger token, which the form must repeat.
public final class StatusServer: Sendable {
  /// The port it listens on.
  public let port: Int
  private let task: Task<Void, any Error>

  private init(port: Int, task: Task<Void, any Error>) {
    self.port = port
    self.task = task
  }

  /// Starts serving `daemon` and returns once it accepts connections.
  ///
  /// - Throws: when the address cannot be bound.
  public static func start(
    daemon: ScheduleDaemon, history: HistoryStore, metrics: ScheduleMetrics, clock: any SchedulerClock,
    options: StatusServerOptions
  ) async throws -> StatusServer {
    let router = Router()
    if LoopbackHostCheck.isLoopback(options.host) { router.add(middleware: LoopbackHostCheck()) }
    let handlers = StatusHandlers(
      daemon: daemon, history: history, metrics: metrics, clock: clock, triggerToken: options.triggerToken)
    handlers.register(on: router)
    var logger = Logger(label: "terun.schedule.http", factory: { _ in SwiftLogNoOpLogHandler() })
    logger.logLevel = .critical
    let (stream, continuation) = AsyncStream<Result<Int, any Error>>.makeStream()
    let app = Application(
      router: router,
      configuration: .init(address: .hostname(options.host, port: options.port), serverName: nil),
      onServerRunning: { channel in
        continuation.yield(.success(channel.localAddress?.port ?? options.port))
        continuation.finish()
      },
      logger: logger)
    let task = Task {
      do {
        try await app.runService(gracefulShutdownSignals: [])
      } catch {
        continuation.yield(.failure(error))
        continuation.finish()
        throw error
      }
      continuation.finish()
    }
    for await result in stream {
      switch result {
      case .success(let port): return StatusServer(port: port, task: task)
      case .failure(let error):
        task.cancel()
        throw error
      }
    }
    task.cancel()
    throw CancellationError()
  }

  /// Stops serving.
  public func stop() async {
    task.cancel()
    _ = await task.result
  }
}

/// On a loopback address, refuses requests whose `Host` is not a loopback name, so a web
/// page cannot read the status page, logs or outputs through DNS rebinding.
struct LoopbackHostCheck: RouterMiddleware {
  typealias Context = BasicRequestContext

  static func isLoopback(_ host: String) -> Bool {
    host == "localhost" || host == "::1" || host.hasPrefix("127.")
  }

  func handle(
    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    var host = request.head.authority ?? ""
    if host.hasPrefix("[") {
      host = String(host.dropFirst().prefix { $0 != "]" })
    } else if let colon = host.lastIndex(of: ":") {
      host = String(host[..<colon])
    }
    guard Self.isLoopback(host.lowercased()) else {
      return StatusHandlers.text(
        "this address only answers to a loopback Host\n", status: .misdirectedRequest)
    }
    return try await next(request, context)
  }
}

/// The routes of `StatusServer`.
struct StatusHandlers: Sendable {
  let daemon: ScheduleDaemon
  let history: HistoryStore
  let metrics: ScheduleMetrics
  let clock: any SchedulerClock
  let triggerToken: String?

  /// The largest log or output file served (the log's end is served when it is longer).
  static let largestFile = 8 << 20

  func register(on router: Router<BasicRequestContext>) {
    router.get("/healthz") { _, _ in Self.text("ok\n") }
    router.get("/metrics") { _, _ in
      Self.response(.ok, metrics.exposition(), type: "text/plain; version=0.0.4; charset=utf-8")
    }
    router.get("/") { request, _ in
      let notice = request.uri.queryParameters.get("notice").flatMap(Self.notices.index(forKey:)).map {
        Self.notices[$0].value
      }
      return Self.response(.ok, await page(notice: notice), type: "text/html; charset=utf-8")
    }
    router.get("/runs/:id/log") { _, context in
      try log(id: context.parameters.get("id", as: Int64.self))
    }
    router.get("/runs/:id/file") { request, context in
      try file(
        id: context.parameters.get("id", as: Int64.self), path: request.uri.queryParameters.get("path"))
    }
    router.post("/jobs/:name/run") { request, context in
      let body = try await request.body.collect(upTo: 16 * 1024)
      return await trigger(
        job: context.parameters.get("name") ?? "", form: String(buffer: body),
        authorization: request.headers[.authorization])
    }
  }

  static let notices = [
    "started": "The run started; reload the page to follow it.",
    "running": "That job is running already; it never overlaps itself.",
  ]

  func page(notice: String?) async -> String {
    let file = await daemon.scheduleFile
    let next = await daemon.schedule
    let running = Set(await daemon.runningJobs)
    var jobs: [JobStatus] = []
    for job in file.jobs {
      let records = (try? history.runs(job: job.name, limit: 30)) ?? []
      let runs = records.map { record in (record: record, files: Self.outputFiles(record)) }
      jobs.append(
        JobStatus(job: job, nextRun: next[job.name], isRunning: running.contains(job.name), runs: runs))
    }
    return StatusPage.render(
      jobs: jobs, schedulePath: file.path, now: clock.now(), allowTrigger: triggerToken != nil, notice: notice
    )
  }

  func log(id: Int64?) throws -> Response {
    guard let id, let record = try history.run(id: id) else {
      return Self.text("no such run\n", status: .notFound)
    }
    if record.prunedAt != nil { return Self.text("the log of run \(id) was pruned\n", status: .gone) }
    guard let path = record.logPath, let data = Self.read(path) else {
      return Self.text("run \(id) has no log\n", status: .notFound)
    }
    return Self.response(.ok, String(decoding: data, as: UTF8.self), type: "text/plain; charset=utf-8")
  }

  func file(id: Int64?, path: String?) throws -> Response {
    guard let id, let record = try history.run(id: id) else {
      return Self.text("no such run\n", status: .notFound)
    }
    if record.prunedAt != nil { return Self.text("the files of run \(id) were pruned\n", status: .gone) }
    guard let folder = record.outDir, let path, let resolved = Self.inside(folder, path),
      let data = Self.read(resolved, whole: true)
    else {
      return Self.text("no such file\n", status: .notFound)
    }
    if let text = String(data: data, encoding: .utf8) {
      return Self.response(.ok, text, type: "text/plain; charset=utf-8")
    }
    var headers = Self.headers(type: "application/octet-stream")
    headers[.contentDisposition] = "attachment"
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
  }

  func trigger(job: String, form: String, authorization: String?) async -> Response {
    guard let expected = triggerToken else {
      return Self.text(
        "run now is disabled: start the daemon with --allow-trigger and --ui-token-file\n", status: .forbidden
      )
    }
    var components = URLComponents()
    components.percentEncodedQuery = form.replacingOccurrences(of: "+", with: "%20")
    let given =
      components.queryItems?.first(where: { $0.name == "token" })?.value
      ?? authorization.flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
    guard let given, Self.constantTimeEqual(given, expected) else {
      return Self.text("run now refused: wrong or missing token\n", status: .forbidden)
    }
    switch await daemon.runNow(job) {
    case .started: return Self.redirect("/?notice=started")
    case .alreadyRunning: return Self.redirect("/?notice=running")
    case .unknownJob: return Self.text("no such job\n", status: .notFound)
    case .stopping: return Self.text("the scheduler is stopping\n", status: .serviceUnavailable)
    }
  }

  /// The regular files under a run's output folder, relative, sorted (symbolic links skipped).
  static func outputFiles(_ record: RunRecord) -> [String] {
    guard record.prunedAt == nil, let folder = record.outDir,
      let enumerator = FileManager.default.enumerator(atPath: folder)
    else { return [] }
    var files: [String] = []
    while let next = enumerator.nextObject() as? String, files.count < 50 {
      let attributes = enumerator.fileAttributes
      if attributes?[.type] as? FileAttributeType == .typeRegular { files.append(next) }
    }
    return files.sorted()
  }

  /// `relative` resolved inside `folder`, or nil when it leaves it (`..`, links, absolute).
  static func inside(_ folder: String, _ relative: String) -> String? {
    guard !relative.isEmpty, !relative.hasPrefix("/"),
      !relative.split(separator: "/").contains(where: { $0 == ".." || $0 == "." })
    else { return nil }
    let root = (folder as NSString).resolvingSymlinksInPath
    let resolved = ((root as NSString).appendingPathComponent(relative) as NSString).resolvingSymlinksInPath
    guard resolved.hasPrefix(root + "/") else { return nil }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), !isDirectory.boolValue
    else { return nil }
    return resolved
  }

  /// The file's contents: at most `largestFile` bytes, its end for a longer log; nil for a
  /// longer output file (`whole`) or one that cannot be read.
  static func read(_ path: String, whole: Bool = false) -> Data? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    let size = (try? handle.seekToEnd()) ?? 0
    if size > UInt64(largestFile) {
      if whole { return nil }
      try? handle.seek(toOffset: size - UInt64(largestFile))
    } else {
      try? handle.seek(toOffset: 0)
    }
    return try? handle.readToEnd() ?? Data()
  }

  static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let left = Array(a.utf8)
    let right = Array(b.utf8)
    var difference = UInt8(left.count == right.count ? 0 : 1)
    for index in 0..<max(left.count, right.count) {
      difference |= (index < left.count ? left[index] : 0) ^ (index < right.count ? right[index] : 0)
    }
    return difference == 0
  }

  static func headers(type: String) -> HTTPFields {
    var headers = HTTPFields()
    headers[.contentType] = type
    headers[.cacheControl] = "no-store"
    headers[.init("X-Content-Type-Options")!] = "nosniff"
    headers[.init("Referrer-Policy")!] = "no-referrer"
    headers[.contentSecurityPolicy] =
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    return headers
  }

  static func response(_ status: HTTPResponse.Status, _ text: String, type: String) -> Response {
    Response(status: status, headers: headers(type: type), body: .init(byteBuffer: ByteBuffer(string: text)))
  }

  static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    response(status, text, type: "text/plain; charset=utf-8")
  }

  static func redirect(_ location: String) -> Response {
    var headers = headers(type: "text/plain; charset=utf-8")
    headers[.location] = location
    return Response(
      status: .seeOther, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "see \(location)\n")))
  }
}
