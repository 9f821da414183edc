/// How the client retries and waits.
public struct RetryPolicy: Sendable, Equatable {
  /// Attempts per request for 5xx responses and connection failures (the first included).
  public var maxAttempts = 4
  /// How many 429 responses one request may see before the error surfaces.
  public var maxRateLimitRetries = 20
  /// The longest single wait (for a rate-limit reset or backoff); a longer one is an error.
  public var maxWait: Duration = .seconds(120)
  /// The first backoff delay; doubled per attempt, then fully jittered.
  public var baseDelay: Duration = .milliseconds(250)
  /// The largest backoff delay.
  public var maxDelay: Duration = .seconds(20)
  /// Proactive pacing: when the remaining budget falls to this fraction of the limit, the
  /// remaining requests are spread until the reset.
  public var lowWaterFraction = 0.1

  /// The default policy.
  public init() {}

  /// The jittered delay before attempt `attempt + 1` (`attempt` is 1-based).
  public func backoff(afterAttempt attempt: Int, random: Double = Double.random(in: 0...1)) -> Duration {
    let exponent = min(max(attempt - 1, 0), 20)
    let ceiling = min(baseDelay * (1 << exponent), maxDelay)
    // "Equal jitter": at least half the ceiling, so retries never pile up instantly.
    return ceiling / 2 + ceiling / 2 * random
  }
}
