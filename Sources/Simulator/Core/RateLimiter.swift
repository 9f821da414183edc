import Foundation

/// A fixed-window request budget for the organization.
///
/// Windows are aligned to the epoch (a 60 s window rolls over on the minute), so `Reset`
/// is the UTC epoch second of the next rollover.
final class RateLimiter: @unchecked Sendable {
  /// The state reported in the `X-Organization-Rate-Limit-*` headers.
  struct Status: Equatable {
    var allowed: Bool
    var limit: Int
    var remaining: Int
    var reset: Int
  }

  private let limit: Int
  private let window: Double
  private let lock = NSLock()
  private var windowIndex: Int64 = -1
  private var used = 0

  init(limit: Int, window: Double) {
    self.limit = limit
    self.window = window
  }

  /// Spends one request from the current window if any is left.
  func acquire(now: Double = Date().timeIntervalSince1970) -> Status {
    lock.lock()
    defer { lock.unlock() }
    roll(now)
    let allowed = used < limit
    if allowed { used += 1 }
    return status(allowed: allowed)
  }

  /// Reports the current window without spending anything.
  func peek(now: Double = Date().timeIntervalSince1970) -> Status {
    lock.lock()
    defer { lock.unlock() }
    roll(now)
    return status(allowed: used < limit)
  }

  private func roll(_ now: Double) {
    let index = Int64((now / window).rounded(.down))
    if index != windowIndex {
      windowIndex = index
      used = 0
    }
  }

  private func status(allowed: Bool) -> Status {
    let reset = Int((Double(windowIndex + 1) * window).rounded(.up))
    return Status(allowed: allowed, limit: limit, remaining: max(0, limit - used), reset: reset)
  }
}
