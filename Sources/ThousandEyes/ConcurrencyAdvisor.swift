import Foundation
import Synchronization

/// What the client has seen of the API's pace: recent request latencies and the organization's
/// limit and window. Suggests how many requests to keep in flight. Thread-safe.
public final class ConcurrencyAdvisor: Sendable {
  private struct Observations {
    var latencies: [Double] = []
    var limit: Int?
    /// The longest time to a reset seen in an answer: at most the window's length.
    var window: Double?
  }

  /// How many recent latencies are kept.
  static let kept = 16
  /// The share of a window in which its whole budget should be spendable.
  static let spendFraction = 0.25

  private let observations = Mutex(Observations())

  /// Creates an advisor with nothing observed.
  public init() {}

  /// Records one answered request: its latency, and the organization's limit and reset (epoch
  /// seconds) if the answer carried them.
  func record(latency: Double, limit: Int?, reset: Double?, at time: Double = Date().timeIntervalSince1970) {
    observations.withLock { seen in
      seen.latencies.append(latency)
      if seen.latencies.count > Self.kept { seen.latencies.removeFirst(seen.latencies.count - Self.kept) }
      if let limit { seen.limit = limit }
      if let reset, reset > time { seen.window = max(seen.window ?? 0, (reset - time).rounded(.up)) }
    }
  }

  /// The slowest recent latency in seconds (1 s before any request was answered): how long a
  /// request may take to reach the server, for the shared budget's window edges.
  public var latencyBound: Double {
    observations.withLock { $0.latencies.max() ?? 1 }
  }

  /// The median recent latency in seconds, or nil before any request was answered.
  public var typicalLatency: Double? {
    observations.withLock { seen in
      guard !seen.latencies.isEmpty else { return nil }
      return seen.latencies.sorted()[seen.latencies.count / 2]
    }
  }

  /// How many requests to keep in flight: enough to spend a window's whole budget in its first
  /// quarter (`ceil(limit × latency / (window / 4))`, Little's law), at least 1 and at most
  /// `cap`. Before the limit, the window and a latency are known: `cap`.
  public func suggestedConcurrency(cap: Int) -> Int {
    let cap = max(1, cap)
    let (limit, window) = observations.withLock { ($0.limit, $0.window) }
    guard let limit, let window, window > 0, let latency = typicalLatency else { return cap }
    let needed = (Double(limit) * latency / (window * Self.spendFraction)).rounded(.up)
    return min(cap, max(1, Int(needed)))
  }
}
