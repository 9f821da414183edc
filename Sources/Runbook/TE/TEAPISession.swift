import ThousandEyes

/// The API side of one run: a client (one connection pool) and the installer that gives the
/// run's `te` table the API functions. Close it after the run.
///
/// ```swift
/// let session = try TEAPISession.open(configuration.client)
/// let installers = session.map { [$0.installer] } ?? []
/// try await RunbookRunner(configuration: configuration, sink: sink, installers: installers).run()
/// await session?.close()
/// ```
public final class TEAPISession {
  /// The run's client.
  public let client: ThousandEyesClient
  /// Installs `te.get`, `te.tests`, ... into a run.
  public let installer: TEAPIInstaller

  /// Creates a session for `client`.
  public init(client: ThousandEyesClient, planner: TEWritePlanner? = nil) {
    self.client = client
    self.installer = TEAPIInstaller(client: client, planner: planner)
  }

  /// A session for `configuration`, or `nil` when the run has no API configured.
  public static func open(_ configuration: ClientConfiguration?, planner: TEWritePlanner? = nil) throws
    -> TEAPISession?
  {
    guard let configuration else { return nil }
    return TEAPISession(client: try ThousandEyesClient(configuration: configuration), planner: planner)
  }

  /// Shuts the client's connection pool down.
  public func close() async {
    try? await client.shutdown()
  }
}
