import Foundation

/// A rate-limit budget of the API: the organization's, or the instant tests'.
public enum RateLimitBudget: String, Sendable, Hashable, CaseIterable {
  /// `X-Organization-Rate-Limit-*`: every request.
  case organization = "X-Organization-Rate-Limit"
  /// `X-Instant-Test-Rate-Limit-*`: instant-test operations, in addition to the organization's.
  case instantTest = "X-Instant-Test-Rate-Limit"
}

/// Paces requests from the rate-limit headers so that a well-behaved run sees almost no 429s.
///
/// Each budget tracks the server's `Limit`, `Remaining` and `Reset` (a UTC epoch second).
/// Requests reserve one unit before they are sent, so concurrent requests (a prefetched page)
/// are counted. When the remaining budget falls to the policy's low-water mark, the remaining
/// requests are spread until the reset; when it is spent, requests wait for the reset.
actor RateLimiter {
  struct State: Equatable {
    var limit: Int?
    var remaining: Int?
    /// Epoch seconds of the next rollover.
    var reset: Double?
    /// Epoch seconds before which no request of this budget may start.
    var notBefore: Double = 0
  }

  /// Wall-clock margin added to a reset, for clock skew and the server's rounding.
  static let resetMargin = 0.15

  private var states: [RateLimitBudget: State] = [:]
  private let lowWaterFraction: Double
  private let now: @Sendable () -> Double

  init(lowWaterFraction: Double, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
    self.lowWaterFraction = lowWaterFraction
    self.now = now
  }

  func state(_ budget: RateLimitBudget) -> State {
    states[budget] ?? State()
  }

  /// Reserves one request of `budget`, returning how many seconds the caller must wait first.
  func reserve(_ budget: RateLimitBudget) -> Double {
    var state = states[budget] ?? State()
    let time = now()
    defer { states[budget] = state }
    if let reset = state.reset, time >= reset + Self.resetMargin {
      // The window rolled over: the full limit is available again (if we know it).
      state.remaining = state.limit
      state.reset = nil
    }
    let base = max(0, state.notBefore - time)
    guard let remaining = state.remaining else { return base }
    guard let reset = state.reset else {
      if remaining <= 0 {
        // Spent, with no known reset: wait for the server to tell (a 429 will carry it).
        state.remaining = nil
        return base
      }
      state.remaining = remaining - 1
      return base
    }
    let untilReset = max(0, reset + Self.resetMargin - time)
    if remaining <= 0 {
      // Spent: this request opens the next window, which it starts to consume.
      state.notBefore = reset + Self.resetMargin
      state.remaining = state.limit.map { $0 - 1 }
      state.reset = nil
      return max(base, untilReset)
    }
    state.remaining = remaining - 1
    let lowWater = max(1, Int((Double(state.limit ?? 0) * lowWaterFraction).rounded(.down)))
    if remaining <= lowWater {
      // Spread the last few requests over the rest of the window.
      return max(base, untilReset / Double(remaining + 1))
    }
    return base
  }

  /// A response's `Limit`, `Remaining` and `Reset` headers of `budget`.
  static func headerValues(_ budget: RateLimitBudget, in headers: [(name: String, value: String)]) -> (
    limit: Int?, remaining: Int?, reset: Double?
  ) {
    let prefix = budget.rawValue.lowercased()
    var limit: Int?
    var remaining: Int?
    var reset: Double?
    for (name, value) in headers {
      let lowered = name.lowercased()
      guard lowered.hasPrefix(prefix) else { continue }
      let trimmed = value.trimmingCharacters(in: .whitespaces)
      switch lowered.dropFirst(prefix.count) {
      case "-limit": limit = Int(trimmed)
      case "-remaining": remaining = Int(trimmed)
      case "-reset": reset = Double(trimmed)
      default: break
      }
    }
    return (limit, remaining, reset)
  }

  /// Records a response's rate-limit headers.
  func record(_ budget: RateLimitBudget, headers: [(name: String, value: String)]) {
    let (limit, remaining, reset) = Self.headerValues(budget, in: headers)
    guard limit != nil || remaining != nil || reset != nil else { return }
    var state = states[budget] ?? State()
    if let limit { state.limit = limit }
    if let remaining {
      if let reset, let known = state.reset, reset == known, let counted = state.remaining {
        // Same window: keep the lower count, which includes requests still in flight.
        state.remaining = min(counted, remaining)
      } else if let reset, let known = state.reset, reset < known {
        // A late answer from an earlier window tells nothing new.
      } else {
        state.remaining = remaining
        if let reset { state.reset = reset }
      }
    } else if let reset {
      state.reset = reset
    }
    states[budget] = state
  }

  /// After a 429: nothing is left until `until` (epoch seconds).
  func exhaust(_ budget: RateLimitBudget, until: Double) {
    var state = states[budget] ?? State()
    state.remaining = 0
    state.reset = max(until - Self.resetMargin, state.reset ?? 0)
    states[budget] = state
  }
}
