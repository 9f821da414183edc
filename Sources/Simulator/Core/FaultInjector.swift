import Foundation

/// Decides, per request and reproducibly from the seed, which fault (if any) to inject.
///
/// Each request draws three numbers from one seeded sequence in arrival order: the error
/// roll, the drop roll and the latency. The same seed and the same request order give the
/// same faults.
final class FaultInjector: @unchecked Sendable {
  /// What to do with one request.
  struct Decision: Equatable {
    /// Delay before answering, in milliseconds.
    var delayMilliseconds: Int
    /// A 5xx status to answer with instead of acting, or nil.
    var errorStatus: Int?
    /// Whether to close the connection after acting, without a response.
    var drop: Bool
  }

  private let errorRate: Double
  private let dropRate: Double
  private let latency: ClosedRange<Int>?
  private let lock = NSLock()
  private var rng: SplitMix64

  init(seed: UInt64, errorRate: Double, dropRate: Double, latency: ClosedRange<Int>?) {
    self.errorRate = errorRate
    self.dropRate = dropRate
    self.latency = latency
    self.rng = SplitMix64(seed: seed ^ 0xFA17_FA17_FA17)
  }

  /// Whether any fault can happen at all (skip the lock when none can).
  var isActive: Bool { errorRate > 0 || dropRate > 0 || latency != nil }

  /// Draws the next decision.
  func next() -> Decision {
    lock.lock()
    defer { lock.unlock() }
    let errorRoll = rng.unit()
    let statusRoll = rng.next()
    let dropRoll = rng.unit()
    let latencyRoll = rng.next()
    var delay = 0
    if let latency {
      delay = latency.lowerBound + Int(latencyRoll % UInt64(latency.count))
    }
    let statuses = [500, 502, 503]
    let errorStatus = errorRoll < errorRate ? statuses[Int(statusRoll % 3)] : nil
    return Decision(
      delayMilliseconds: delay, errorStatus: errorStatus, drop: errorStatus == nil && dropRoll < dropRate)
  }
}
