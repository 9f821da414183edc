/// Everything that shapes a simulator run: its world, its limits and its faults.
public struct SimulatorOptions: Sendable {
  /// A per-organization request budget: `limit` requests per `window` seconds.
  public struct RateLimit: Sendable, Equatable {
    /// Requests allowed per window.
    public var limit: Int
    /// Window length in seconds.
    public var window: Double

    /// Creates a budget of `limit` requests per `window` seconds.
    public init(limit: Int, window: Double) {
      self.limit = limit
      self.window = window
    }

    /// The real API's budget: 240 requests per minute.
    public static let standard = RateLimit(limit: 240, window: 60)
  }

  /// Seed for the generated world and the fault sequence.
  public var seed: UInt64 = 1
  /// Number of Cloud Agents (the guide's Singapore and Boston, MA are always among them).
  public var agents: Int = 10
  /// Number of tests besides the guide's test 123456.
  public var tests: Int = 8
  /// Number of users per account group besides the simulator's own user.
  public var users: Int = 4
  /// Items per page of test results.
  public var pageSize: Int = 500
  /// The per-organization rate limit, or nil when off.
  public var rateLimit: RateLimit? = .standard
  /// The instant-test budget (`X-Instant-Test-Rate-Limit-*`), or nil when off.
  public var instantRateLimit: RateLimit? = RateLimit(limit: 24, window: 60)
  /// Added delay in milliseconds, drawn uniformly from this range per request (nil: none).
  public var latency: ClosedRange<Int>? = nil
  /// Probability of answering with a random 500/502/503 problem without acting.
  public var errorRate: Double = 0
  /// Probability of acting on a request and then closing the connection without a response.
  public var dropRate: Double = 0
  /// The bearer token the simulator accepts; nil picks one derived from the seed.
  public var token: String? = nil
  /// Address to listen on.
  public var host: String = "127.0.0.1"
  /// Port to listen on; 0 picks a free ephemeral port.
  public var port: Int = 0
  /// The largest request body accepted, in bytes; a larger one gets a 413 problem.
  public var maxBodySize: Int = 4 * 1024 * 1024
  /// Seconds a connection may go without sending a complete request head (one that never
  /// finishes its headers, or sits idle between requests) before it is closed.
  public var headerTimeout: Double = 30

  /// Creates the default options (an ephemeral port on loopback).
  public init() {}

  /// The token in effect: `token`, or one derived from the seed.
  public var effectiveToken: String {
    if let token { return token }
    var rng = SplitMix64(seed: seed ^ 0x7E5E_ED70_4E11)
    let hex = (0..<4).map { _ in String(rng.next(), radix: 16) }.joined()
    return "sim-" + String(hex.prefix(32))
  }
}

extension SimulatorOptions {
  /// Parses a duration given with a unit (`500ms`, `2s`, `10m`, `1h`, `1d`) or in seconds.
  ///
  /// - Returns: the duration in seconds, or nil if the text is not a duration.
  public static func parseDuration(_ text: String) -> Double? {
    let units: [(String, Double)] = [
      ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400), ("w", 604800),
    ]
    for (suffix, scale) in units where text.hasSuffix(suffix) {
      let number = String(text.dropLast(suffix.count))
      if suffix == "s" && number.hasSuffix("m") { continue }
      guard let value = Double(number), value >= 0, value.isFinite else { return nil }
      return value * scale
    }
    guard let value = Double(text), value >= 0, value.isFinite else { return nil }
    return value
  }

  /// Parses `N/WINDOW` (`240/60s`, `5/1s`, `100/60`) or `off`.
  ///
  /// - Returns: `.some(nil)` for `off`, `.some(limit)` for a budget, nil if malformed.
  public static func parseRateLimit(_ text: String) -> RateLimit?? {
    if text == "off" { return .some(nil) }
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let limit = Int(parts[0]), limit > 0,
      let window = parseDuration(String(parts[1])), window > 0
    else { return nil }
    return .some(RateLimit(limit: limit, window: window))
  }

  /// Parses a latency in milliseconds: `MS` or `MS-MS`.
  public static func parseLatency(_ text: String) -> ClosedRange<Int>? {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count) else { return nil }
    let values = parts.compactMap { Int($0) }
    guard values.count == parts.count, values.allSatisfy({ $0 >= 0 }) else { return nil }
    let low = values[0]
    let high = values.count == 2 ? values[1] : values[0]
    guard low <= high else { return nil }
    return low...high
  }
}
