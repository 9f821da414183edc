import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A running simulator of the ThousandEyes API v7.
///
/// ```swift
/// let sim = try await SimulatorServer.start(SimulatorOptions())
/// // point a client at sim.baseURL + "/v7" with "Authorization: Bearer \(sim.token)"
/// await sim.stop()
/// ```
/// Starting prints nothing; callers announce the simulator themselves.
public final class SimulatorServer: @unchecked Sendable {
  /// The origin the server listens on, `http://127.0.0.1:PORT` (without `/v7`).
  public let baseURL: String
  /// The bearer token the server accepts.
  public let token: String
  /// The port the server is bound to.
  public let port: Int
  /// The options in effect.
  public let options: SimulatorOptions

  /// The simulated organization (internal: tests inspect it).
  let world: World
  private let task: Task<Void, any Error>
  /// The service group the server runs in; `stop` shuts it down gracefully.
  private let group: ServiceGroup
  /// Seconds `stop` lets connections still busy finish before it cuts them off.
  static let shutdownGrace: Double = 5
  private let lock = NSLock()
  private var stopped = false

  private init(
    baseURL: String, token: String, port: Int, options: SimulatorOptions, world: World,
    task: Task<Void, any Error>, group: ServiceGroup
  ) {
    self.group = group
    self.world = world
    self.baseURL = baseURL
    self.token = token
    self.port = port
    self.options = options
    self.task = task
  }

  /// Starts a simulator and returns once it accepts connections.
  ///
  /// - Throws: if the address cannot be bound.
  public static func start(_ options: SimulatorOptions = SimulatorOptions()) async throws -> SimulatorServer {
    let (stream, continuation) = AsyncStream<Result<Int, any Error>>.makeStream()
    let hostForURL = options.host.contains(":") ? "[\(options.host)]" : options.host
    let world = World(options: options)
    let responder = SimResponder(
      world: world, options: options, fallbackOrigin: "http://\(hostForURL):\(options.port)")
    var logger = Logger(label: "terun.simulator", factory: { _ in SwiftLogNoOpLogHandler() })
    logger.logLevel = .critical
    // Hummingbird's idle timer restarts only when a request part has been decoded, so a
    // connection that never completes its headers is closed after `headerTimeout`.
    let headerTimeout = TimeAmount.nanoseconds(Int64(options.headerTimeout * 1_000_000_000))
    let app = Application(
      responder: responder,
      server: .http1(configuration: .init(idleTimeout: headerTimeout)),
      configuration: .init(address: .hostname(options.host, port: options.port), serverName: nil),
      onServerRunning: { channel in
        continuation.yield(.success(channel.localAddress?.port ?? options.port))
        continuation.finish()
      },
      logger: logger
    )
    // Run in our own service group so that `stop` can shut down gracefully: cancelling the
    // serving task while an accepted connection is still buffered trips NIO's "Deinited
    // NIOAsyncWriter without calling finish()" precondition (apple/swift-nio#3481), which a
    // client that cancels its requests (te.parallel's fail_fast) made happen in the tests.
    let group = ServiceGroup(
      configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
    let task = Task {
      do {
        try await group.run()
      } catch {
        continuation.yield(.failure(error))
        continuation.finish()
        throw error
      }
      continuation.finish()
    }
    var port: Int?
    for await result in stream {
      switch result {
      case .success(let p): port = p
      case .failure(let error):
        task.cancel()
        throw error
      }
    }
    guard let port else {
      task.cancel()
      throw SimulatorError.notStarted
    }
    return SimulatorServer(
      baseURL: "http://\(hostForURL):\(port)", token: options.effectiveToken, port: port, options: options,
      world: world,
      task: task, group: group)
  }

  /// Stops the server and waits for it to close.
  public func stop() async {
    let first = lock.withLock {
      let first = !stopped
      stopped = true
      return first
    }
    guard first else { return }
    await group.triggerGracefulShutdown()
    // A connection still busy after the grace period is cut off.
    let task = self.task
    let deadline = Task {
      try await Task.sleep(for: .seconds(Self.shutdownGrace))
      task.cancel()
    }
    _ = await task.result
    deadline.cancel()
  }

  /// Reads the simulated state directly (for tests in this package).
  func withWorld<T>(_ body: (World.State) throws -> T) rethrows -> T {
    try world.read(body)
  }

  /// Runs until the server stops (for the standalone `terun sim`).
  public func wait() async throws {
    try await task.value
  }
}

/// Why the simulator could not start.
public enum SimulatorError: Error, CustomStringConvertible {
  case notStarted

  public var description: String {
    switch self {
    case .notStarted: return "the simulator did not start listening"
    }
  }
}
