import Foundation

/// Computes result rows lazily from (seed, testId, agentId, roundId): nothing is stored,
/// and the same inputs always give the same numbers.
struct ResultSynthesizer {
  let seed: UInt64
  let testId: String
  let target: String

  private var testHash: UInt64 { Mix.hash(seed, Mix.hash(testId)) }

  /// Network metrics of one round.
  struct Network {
    var avg: Double
    var min: Double
    var max: Double
    var jitter: Double
    var loss: Double
  }

  /// The agent's baseline round-trip latency to the target, in milliseconds.
  func baseLatency(_ agent: AgentRecord) -> Double {
    let h = Mix.hash(target)
    let lat = Mix.unit(h) * 100 - 45
    let lon = Mix.unit(Mix.hash(h, 7)) * 300 - 150
    let km = Self.distanceKm(agent.latitude, agent.longitude, lat, lon)
    let overhead = Mix.unit(Mix.hash(testHash, Mix.hash(agent.agentId))) * 15
    return 1.5 + km / 100 + overhead
  }

  /// Network metrics for one agent and round.
  func network(_ agent: AgentRecord, round: Int, base: Double) -> Network {
    let h = rowHash(agent, round: round, salt: 1)
    let noise = Mix.unit(h) - 0.5
    let spike = Mix.unit(Mix.hash(h, 2)) < 0.02 ? 1.5 + Mix.unit(Mix.hash(h, 3)) * 2 : 1.0
    let avg = base * (1 + noise * 0.12) * spike
    let jitter = 0.05 + Mix.unit(Mix.hash(h, 4)) * (0.5 + base * 0.02) * spike
    let low = avg - jitter * (1 + Mix.unit(Mix.hash(h, 5)))
    let high = avg + jitter * (2 + 3 * Mix.unit(Mix.hash(h, 6)))
    let roll = Mix.unit(Mix.hash(h, 7))
    let loss: Double =
      roll < 0.9
      ? 0
      : (roll < 0.98
        ? Double(1 + Int(Mix.unit(Mix.hash(h, 8)) * 5)) : Double(10 + Int(Mix.unit(Mix.hash(h, 9)) * 40)))
    return Network(
      avg: Self.round3(avg), min: Self.round3(Swift.max(0.1, low)), max: Self.round3(high),
      jitter: Self.round3(jitter), loss: loss)
  }

  /// A stable per-row hash for other metrics.
  func rowHash(_ agent: AgentRecord, round: Int, salt: UInt64) -> UInt64 {
    Mix.hash(testHash, Mix.hash(agent.agentId), UInt64(bitPattern: Int64(round)), salt)
  }

  static func round3(_ x: Double) -> Double {
    (x * 1000).rounded() / 1000
  }

  static func distanceKm(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
    let p1 = lat1 * .pi / 180
    let p2 = lat2 * .pi / 180
    let dp = p2 - p1
    let dl = (lon2 - lon1) * .pi / 180
    let a = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2)
    return 2 * 6371 * asin(Swift.min(1, a.squareRoot()))
  }
}
