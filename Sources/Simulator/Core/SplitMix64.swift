/// A small, fast, seedable pseudo-random generator (SplitMix64).
struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  init(seed: UInt64) {
    state = seed
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform double in [0, 1).
  mutating func unit() -> Double {
    Double(next() >> 11) / Double(UInt64(1) << 53)
  }
}

/// Stateless mixing of several integers into one well-distributed 64-bit value.
enum Mix {
  static func hash(_ values: UInt64...) -> UInt64 {
    var h: UInt64 = 0x243F_6A88_85A3_08D3
    for v in values {
      var g = SplitMix64(seed: h ^ v)
      h = g.next()
    }
    return h
  }

  /// A uniform double in [0, 1) from a hash.
  static func unit(_ h: UInt64) -> Double {
    Double(h >> 11) / Double(UInt64(1) << 53)
  }

  /// A stable 64-bit hash of a string (FNV-1a).
  static func hash(_ s: String) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in s.utf8 {
      h ^= UInt64(byte)
      h = h &* 0x100_0000_01B3
    }
    return h
  }
}
