import Foundation
import Testing

@testable import Simulator

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A response as the tests look at it.
struct Reply {
  var status: Int
  var headers: [String: String]
  var body: JSONValue
  var raw: Data

  func header(_ name: String) -> String? {
    headers.first { $0.key.lowercased() == name.lowercased() }?.value
  }

  var contentType: String { header("Content-Type") ?? "" }
}

/// A tiny HTTP client for the simulator under test.
struct SimClient {
  let base: String
  var token: String?
  let session: URLSession

  init(_ server: SimulatorServer, token: String? = nil) {
    base = server.baseURL
    self.token = token ?? server.token
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = 10
    session = URLSession(configuration: configuration)
  }

  /// Sends a request to `path` (relative to /v7, or an absolute URL).
  func send(_ method: String, _ path: String, body: String? = nil) async throws -> Reply {
    let url = URL(string: path.hasPrefix("http") ? path : base + "/v7" + path)!
    var request = URLRequest(url: url)
    request.httpMethod = method
    if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    if let body {
      request.httpBody = Data(body.utf8)
      request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    let (data, response) = try await session.data(for: request)
    let http = response as! HTTPURLResponse
    var headers: [String: String] = [:]
    for (key, value) in http.allHeaderFields {
      headers["\(key)"] = "\(value)"
    }
    let parsed = data.isEmpty ? JSONValue.null : try JSONParser.parse(Array(data))
    return Reply(status: http.statusCode, headers: headers, body: parsed, raw: data)
  }

  func get(_ path: String) async throws -> Reply { try await send("GET", path) }
}

/// Starts a simulator with `configure` applied to the default options (rate limit off).
func startSimulator(_ configure: (inout SimulatorOptions) -> Void = { _ in }) async throws -> SimulatorServer
{
  var options = SimulatorOptions()
  options.rateLimit = nil
  configure(&options)
  return try await SimulatorServer.start(options)
}

extension JSONValue {
  /// Follows a path of keys and indexes, for compact assertions.
  func at(_ path: Any...) -> JSONValue? {
    var current: JSONValue? = self
    for step in path {
      if let key = step as? String {
        current = current?[key]
      } else if let index = step as? Int {
        guard let array = current?.arrayValue, index < array.count else { return nil }
        current = array[index]
      }
    }
    return current
  }
}

/// The `errors` of a 400 problem as (code, field) pairs.
func problemErrors(_ reply: Reply) -> [(code: String, field: String, message: String)] {
  (reply.body["errors"]?.arrayValue ?? []).map {
    ($0["code"]?.stringValue ?? "", $0["field"]?.stringValue ?? "", $0["message"]?.stringValue ?? "")
  }
}
