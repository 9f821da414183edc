import ArgumentParser
import Foundation
import Simulator

/// `terun sim`: runs the ThousandEyes API v7 simulator in the foreground.
public struct SimCommand: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "sim",
    abstract: "Run the ThousandEyes API v7 simulator.",
    discussion: """
      Serves /v7 on HTTP with a deterministic simulated organization. Prints the base URL and \
      the bearer token on start. Faults (--latency, --error-rate, --drop-rate) are reproducible \
      with --seed. A dropped request has acted before its connection is closed.
      """)

  @Option(help: "Address to listen on.")
  var host = "127.0.0.1"

  @Option(help: "Port to listen on (0 picks a free port).")
  var port = 8787

  @Option(help: "The bearer token to accept (default: derived from --seed).")
  var token: String?

  @Option(help: "Seed for the simulated data and the fault sequence.")
  var seed: UInt64 = 1

  @Option(help: "Number of Cloud Agents.")
  var agents = 10

  @Option(help: "Number of tests besides the guide's test 123456.")
  var tests = 8

  @Option(help: "Number of users per account group.")
  var users = 4

  @Option(name: .customLong("page-size"), help: "Items per page of paginated collections.")
  var pageSize = 500

  @Option(
    name: .customLong("rate-limit"),
    help: "Organization rate limit N/WINDOW (e.g. 240/60s), or off (also lifts the instant-test budget).")
  var rateLimit = "240/60s"

  @Option(help: "Added delay per request in milliseconds: MS or MS-MS.")
  var latency: String?

  @Option(
    name: .customLong("error-rate"),
    help: "Probability (0-1) of a 500/502/503 answer; the request does nothing.")
  var errorRate = 0.0

  @Option(
    name: .customLong("drop-rate"),
    help: "Probability (0-1) of acting, then closing the connection unanswered.")
  var dropRate = 0.0

  @Option(
    name: .customLong("max-body-size"),
    help: "Largest request body accepted, in bytes; a larger one gets a 413 problem.")
  var maxBodySize = 4 * 1024 * 1024

  @Option(
    name: .customLong("header-timeout"),
    help: "Close a connection that sends no complete request head for this long (e.g. 30s, 500ms).")
  var headerTimeout = "30s"

  @Flag(name: .customLong("list-routes"), help: .hidden)
  var listRoutes = false

  public init() {}

  public func validate() throws {
    _ = try options()
  }

  /// The simulator options these flags describe.
  func options() throws -> SimulatorOptions {
    var options = SimulatorOptions()
    options.host = host
    guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
    options.port = port
    if let token {
      guard !token.isEmpty, !token.contains(where: \.isWhitespace) else {
        throw ValidationError("--token must be a non-empty string without spaces.")
      }
      options.token = token
    }
    options.seed = seed
    guard agents >= 2 else {
      throw ValidationError("--agents must be at least 2 (Singapore and Boston, MA).")
    }
    guard tests >= 0, users >= 0 else { throw ValidationError("--tests and --users must not be negative.") }
    options.agents = agents
    options.tests = tests
    options.users = users
    guard pageSize > 0 else { throw ValidationError("--page-size must be positive.") }
    options.pageSize = pageSize
    guard let limit = SimulatorOptions.parseRateLimit(rateLimit) else {
      throw ValidationError(
        "--rate-limit must be N/WINDOW (for example 240/60s or 5/1s) or off, not \(rateLimit).")
    }
    options.rateLimit = limit
    if limit == nil { options.instantRateLimit = nil }
    if let latency {
      guard let range = SimulatorOptions.parseLatency(latency) else {
        throw ValidationError("--latency must be MS or MS-MS (for example 50 or 20-200), not \(latency).")
      }
      options.latency = range
    }
    guard (0...1).contains(errorRate), (0...1).contains(dropRate) else {
      throw ValidationError("--error-rate and --drop-rate must be probabilities between 0 and 1.")
    }
    options.errorRate = errorRate
    options.dropRate = dropRate
    guard maxBodySize > 0 else {
      throw ValidationError("--max-body-size must be a positive number of bytes.")
    }
    options.maxBodySize = maxBodySize
    guard let timeout = SimulatorOptions.parseDuration(headerTimeout), timeout > 0 else {
      throw ValidationError(
        "--header-timeout must be a positive duration (for example 30s or 500ms), not \(headerTimeout).")
    }
    options.headerTimeout = timeout
    return options
  }

  public func run() async throws {
    if listRoutes {
      for line in SimulatorServer.routeTable { print(line) }
      return
    }
    let server: SimulatorServer
    do {
      server = try await SimulatorServer.start(try options())
    } catch {
      throw ValidationError("could not listen on \(host):\(port): \(error)")
    }
    let banner = """
      terun sim: ThousandEyes API v7 simulator listening on \(server.baseURL)/v7
      TE_BASE_URL=\(server.baseURL)
      TE_TOKEN=\(server.token)

      """
    FileHandle.standardOutput.write(Data(banner.utf8))
    try await server.wait()
  }
}
