/// Tests on eight bytes at once (SWAR: one 64-bit word), for skipping string content.
///
/// Each test is the classic "has a zero byte" trick, `(x - 0x01…) & ~x & 0x80…`, on the word
/// xor-ed with the byte looked for. It may mark a byte above a true match wrongly (a borrow),
/// never a word with no match, so "is any byte special" is exact.
public enum JSONWord {
  /// True when one of the eight bytes of `word` ends a plain run of string content: `"`, `\`,
  /// a control byte (below 0x20), and, with `stopsAtNonASCII`, a byte from 0x80 up.
  @inlinable @inline(__always)
  public static func hasStop(_ word: UInt64, stopsAtNonASCII: Bool) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    let quotes = word ^ (ones &* 0x22)
    let backslashes = word ^ (ones &* 0x5C)
    let hasQuote = (quotes &- ones) & ~quotes
    let hasBackslash = (backslashes &- ones) & ~backslashes
    let hasControl = (word &- ones &* 0x20) & ~word
    let nonASCII = stopsAtNonASCII ? word : 0
    return (hasQuote | hasBackslash | hasControl | nonASCII) & highs != 0
  }
}
