import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ThousandEyes

/// A request as the test double saw it.
struct SeenRequest: Sendable {
  var method: String
  var path: String
  var query: String
  var authorization: String?
  var userAgent: String?
  var accept: String?
  var body: [UInt8]
}

/// What the test double answers.
struct CannedResponse: Sendable {
  var status: Int = 200
  var headers: [(String, String)] = [("Content-Type", "application/json")]
  var body: String = "{}"
  /// Send the headers and part of the body, then break the connection.
  var dropsMidBody = false
  /// Wait this long before answering.
  var delay: Duration = .zero
}

/// A small HTTP server for client tests, with full control over every answer.
final class TestDouble: @unchecked Sendable {
  typealias Handler = @Sendable (SeenRequest, Int) async -> CannedResponse

  private let lock = NSLock()
  private var seenRequests: [SeenRequest] = []
  private var task: Task<Void, Error>?
  private(set) var port = 0

  var requests: [SeenRequest] {
    lock.lock()
    defer { lock.unlock() }
    return seenRequests
  }

  var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

  /// Starts a server whose `handler` gets each request and its 0-based index.
  static func start(_ handler: @escaping Handler) async throws -> TestDouble {
    let double = TestDouble()
    let responder = CallbackResponder<BasicRequestContext> { request, _ in
      let body = try await request.body.collect(upTo: 1 << 22)
      let seen = SeenRequest(
        method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "",
        authorization: request.headers[.authorization], userAgent: request.headers[.userAgent],
        accept: request.headers[.accept], body: Array(body.readableBytesView))
      let index = double.record(seen)
      let canned = await handler(seen, index)
      if canned.delay > .zero { try await Task.sleep(for: canned.delay) }
      var fields = HTTPFields()
      for (name, value) in canned.headers {
        fields.append(HTTPField(name: HTTPField.Name(name)!, value: value))
      }
      let bytes = ByteBuffer(string: canned.body)
      if canned.dropsMidBody {
        return Response(
          status: .init(code: canned.status), headers: fields,
          body: ResponseBody(contentLength: bytes.readableBytes + 100) { writer in
            try await writer.write(bytes)
            throw CancellationError()
          })
      }
      return Response(
        status: .init(code: canned.status), headers: fields, body: ResponseBody(byteBuffer: bytes))
    }
    let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
      responder: responder,
      configuration: .init(address: .hostname("127.0.0.1", port: 0)),
      onServerRunning: { channel in
        continuation.yield(channel.localAddress?.port ?? 0)
        continuation.finish()
      },
      logger: Logger(label: "test-double", factory: { _ in SwiftLogNoOpLogHandler() }))
    double.task = Task { try await app.runService(gracefulShutdownSignals: []) }
    for await port in stream {
      double.port = port
    }
    return double
  }

  private func record(_ request: SeenRequest) -> Int {
    lock.lock()
    defer { lock.unlock() }
    seenRequests.append(request)
    return seenRequests.count - 1
  }

  func stop() async {
    task?.cancel()
    _ = try? await task?.value
  }
}

/// A JSON problem body.
func problem(_ status: Int, _ title: String, _ detail: String, errors: String? = nil) -> CannedResponse {
  var body =
    "{\"type\":\"https://api.thousandeyes.com/errors/\(status)\",\"title\":\"\(title)\",\"status\":\(status),\"detail\":\"\(detail)\""
  if let errors { body += ",\"errors\":\(errors)" }
  body += "}"
  return CannedResponse(status: status, headers: [("Content-Type", "application/problem+json")], body: body)
}

/// A client for a test double, with fast retries.
func makeClient(
  _ baseURL: URL, token: String = "tok-secret-0123456789", aid: String? = nil, audit: String? = nil,
  configure: (inout ClientConfiguration) -> Void = { _ in }
) throws -> ThousandEyesClient {
  var configuration = ClientConfiguration(baseURL: baseURL, token: APIToken(token), aid: aid)
  configuration.retry.baseDelay = .milliseconds(10)
  configuration.retry.maxDelay = .milliseconds(50)
  configuration.auditFile = audit
  configuration.showsProgress = false
  configure(&configuration)
  return try ThousandEyesClient(configuration: configuration)
}

/// Runs `body` with a client, shutting it down afterwards.
func withClient<T>(
  _ client: ThousandEyesClient, _ body: (ThousandEyesClient) async throws -> T
) async throws -> T {
  do {
    let result = try await body(client)
    try await client.shutdown()
    return result
  } catch {
    try? await client.shutdown()
    throw error
  }
}

func temporaryPath(_ name: String) -> String {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
    "terun-client-tests-\(getpid())")
  try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  return directory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
}
