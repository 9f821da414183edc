import Foundation
import Scheduler
import Testing

/// A small deterministic generator (SplitMix64), so failures reproduce.
private struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Next runs against a brute-force scan, minute by minute, in zones without DST changes.
@Suite struct CronPropertyTests {
  private func field(_ low: Int, _ high: Int, wildcardChance: Double, using rng: inout SplitMix) -> String {
    switch Double.random(in: 0..<1, using: &rng) {
    case ..<wildcardChance: return "*"
    case ..<(wildcardChance + 0.2):
      return "*/\(Int.random(in: 2...max(2, (high - low) / 2), using: &rng))"
    case ..<(wildcardChance + 0.4):
      let a = Int.random(in: low...high, using: &rng)
      let b = Int.random(in: a...high, using: &rng)
      return "\(a)-\(b)"
    default:
      let count = Int.random(in: 1...3, using: &rng)
      return (0..<count).map { _ in String(Int.random(in: low...high, using: &rng)) }.joined(separator: ",")
    }
  }

  @Test(arguments: ["UTC", "Asia/Kolkata", "Asia/Tokyo"])
  func matchesBruteForce(zone: String) throws {
    var rng = SplitMix(state: 20_261_127)
    let timeZone = try #require(TimeZone(identifier: zone))
    let offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: 1_790_000_000)))
    var compared = 0
    for _ in 0..<300 {
      let text = [
        field(0, 59, wildcardChance: 0.2, using: &rng), field(0, 23, wildcardChance: 0.4, using: &rng),
        field(1, 31, wildcardChance: 0.6, using: &rng), field(1, 12, wildcardChance: 0.8, using: &rng),
        field(0, 7, wildcardChance: 0.6, using: &rng),
      ].joined(separator: " ")
      let cron = try CronExpression(parsing: text)
      let start = Int64.random(in: 1_767_225_600..<1_798_761_600, using: &rng)  // during 2026
      // Brute force: the first whole minute after `start` whose local wall-clock time matches.
      var minute = (start / 60 + 1) * 60
      var expected: Int64?
      for _ in 0..<(60 * 24 * 120) {
        if cron.matches(CivilTime(secondsAsIfUTC: minute + offset)) {
          expected = minute
          break
        }
        minute += 60
      }
      guard let expected else { continue }
      let next = cron.nextRun(after: Date(timeIntervalSince1970: TimeInterval(start)), in: timeZone)
      #expect(next.map { Int64($0.timeIntervalSince1970) } == expected, "\(text) after \(start) in \(zone)")
      compared += 1
    }
    #expect(compared > 200)
  }
}
