/// Multi-byte UTF-8 sequences: checking them and writing them.
public enum UTF8Sequence {
  /// The length of the valid multi-byte UTF-8 sequence at `bytes` (at most `available` bytes
  /// long), or nil when it is invalid: a stray continuation byte, a truncated sequence, overlong
  /// forms, surrogates and code points past U+10FFFF are refused.
  @inlinable @inline(__always)
  public static func validLength(_ bytes: UnsafePointer<UInt8>, available: Int) -> Int? {
    let lead = bytes[0]
    var length = 0
    var low: UInt8 = 0x80
    var high: UInt8 = 0xBF
    switch lead {
    case 0xC2...0xDF: length = 2
    case 0xE0:
      length = 3
      low = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED:
      length = 3
      high = 0x9F
    case 0xF0:
      length = 4
      low = 0x90
    case 0xF1...0xF3: length = 4
    case 0xF4:
      length = 4
      high = 0x8F
    default: return nil
    }
    guard available >= length, bytes[1] >= low, bytes[1] <= high else { return nil }
    for i in 2..<max(length, 2) where bytes[i] & 0xC0 != 0x80 { return nil }
    return length
  }

  /// Writes `scalar` (a Unicode scalar value) as UTF-8 at `out`; returns the number of bytes
  /// written, 1 to 4.
  @inlinable @inline(__always)
  public static func write(_ scalar: UInt32, to out: UnsafeMutablePointer<UInt8>) -> Int {
    switch scalar {
    case 0..<0x80:
      out[0] = UInt8(scalar)
      return 1
    case 0x80..<0x800:
      out[0] = UInt8(0xC0 | scalar >> 6)
      out[1] = UInt8(0x80 | scalar & 0x3F)
      return 2
    case 0x800..<0x10000:
      out[0] = UInt8(0xE0 | scalar >> 12)
      out[1] = UInt8(0x80 | scalar >> 6 & 0x3F)
      out[2] = UInt8(0x80 | scalar & 0x3F)
      return 3
    default:
      out[0] = UInt8(0xF0 | scalar >> 18)
      out[1] = UInt8(0x80 | scalar >> 12 & 0x3F)
      out[2] = UInt8(0x80 | scalar >> 6 & 0x3F)
      out[3] = UInt8(0x80 | scalar & 0x3F)
      return 4
    }
  }
}
