import Synchronization

/// Counts of what a client sent, for machine-readable run summaries (`--output json`).
/// Thread-safe.
public final class RequestStatistics: Sendable {
  /// A snapshot of the counts.
  public struct Counts: Sendable, Equatable {
    /// HTTP requests sent (every attempt counts, retries included).
    public var requests = 0
    /// Answers with status 429 (Too Many Requests).
    public var rateLimited = 0
    /// Writes (POST, PUT, PATCH, DELETE) answered with a 2xx status.
    public var writes = 0
  }

  private let counts = Mutex(Counts())

  /// Creates empty counts.
  public init() {}

  /// The counts so far.
  public var snapshot: Counts { counts.withLock { $0 } }

  /// Records one attempt of `method` and its answer's status (nil when none came).
  func record(method: HTTPMethodName, status: Int?) {
    counts.withLock { counts in
      counts.requests += 1
      if status == 429 { counts.rateLimited += 1 }
      if let status, (200..<300).contains(status), method != .get { counts.writes += 1 }
    }
  }
}
