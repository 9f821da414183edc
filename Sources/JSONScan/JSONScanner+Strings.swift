/// A string found by ``JSONScanner/scanString(validatesUTF8:)``: its content between the quotes,
/// escapes still in it.
public struct JSONStringToken {
  /// The byte after the opening quote.
  public let content: UnsafePointer<UInt8>
  /// The number of bytes between the quotes.
  public let count: Int
  /// True when the content holds at least one escape (then ``JSONScanner/unescape(_:into:)``
  /// gives its text; otherwise the content is the text).
  public let hasEscapes: Bool

  /// The opening quote.
  @inlinable
  public var openingQuote: UnsafePointer<UInt8> { content - 1 }

  @inlinable
  init(content: UnsafePointer<UInt8>, count: Int, hasEscapes: Bool) {
    self.content = content
    self.count = count
    self.hasEscapes = hasEscapes
  }
}

extension JSONScanner {
  /// The first byte at or after `from` that is a quote, a backslash or a control byte (and,
  /// with `stopsAtNonASCII`, a byte from 0x80 up), or `end`: eight bytes at a time while none is.
  @inlinable @inline(__always)
  public func endOfPlainRun(from: UnsafePointer<UInt8>, stopsAtNonASCII: Bool) -> UnsafePointer<UInt8> {
    var q = from
    while end - q >= 8 {
      if JSONWord.hasStop(
        UnsafeRawPointer(q).loadUnaligned(as: UInt64.self), stopsAtNonASCII: stopsAtNonASCII)
      {
        break
      }
      q += 8
    }
    while q < end {
      let byte = q.pointee
      if byte == JSONByte.quote || byte == JSONByte.backslash || byte < 0x20
        || (stopsAtNonASCII && byte >= 0x80)
      {
        break
      }
      q += 1
    }
    return q
  }

  /// Checks the string whose opening quote is at `position` and moves past its closing quote.
  ///
  /// Control bytes, unknown escapes, `\u` without four hex digits and lone surrogates
  /// (`\uD800` without its low half, `\uDC00` alone) are errors; with `validatesUTF8`, so is
  /// invalid UTF-8 (see ``UTF8Sequence/validLength(_:available:)``).
  @inlinable @inline(__always)
  public mutating func scanString(validatesUTF8: Bool) throws(JSONScanError) -> JSONStringToken {
    let open = position
    let first = open + 1
    var q = first
    var hasEscapes = false
    while true {
      q = endOfPlainRun(from: q, stopsAtNonASCII: validatesUTF8)
      guard q < end else { throw failure("unterminated string", at: open) }
      let byte = q.pointee
      if byte == JSONByte.quote {
        position = q + 1
        return JSONStringToken(content: first, count: first.distance(to: q), hasEscapes: hasEscapes)
      }
      if byte == JSONByte.backslash {
        hasEscapes = true
        q = try endOfEscape(at: q, open: open)
        continue
      }
      if byte < 0x20 { throw failure("control character 0x\(String(byte, radix: 16)) in string", at: q) }
      guard let length = UTF8Sequence.validLength(q, available: end - q) else {
        throw failure("invalid UTF-8 in string", at: q)
      }
      q += length
    }
  }

  /// Checks the escape whose backslash is at `q` (in the string opened at `open`); returns the
  /// position after it.
  @inlinable
  func endOfEscape(at q: UnsafePointer<UInt8>, open: UnsafePointer<UInt8>) throws(JSONScanError)
    -> UnsafePointer<UInt8>
  {
    guard end - q >= 2 else { throw failure("unterminated string", at: open) }
    switch q[1] {
    case JSONByte.quote, JSONByte.backslash, JSONByte.slash, 0x62, 0x66, 0x6E, 0x72, 0x74:  // " \ / b f n r t
      return q + 2
    case JSONByte.letterU:
      return try unicodeEscape(at: q).next
    default:
      throw failure("invalid escape '\\\(Character(Unicode.Scalar(q[1])))' in string", at: q)
    }
  }

  /// Reads `\uXXXX` at `q` (at the backslash), joining a surrogate pair: the scalar and the
  /// position after the escape (or pair).
  @inlinable
  public func unicodeEscape(at q: UnsafePointer<UInt8>) throws(JSONScanError) -> (
    scalar: UInt32, next: UnsafePointer<UInt8>
  ) {
    guard end - q >= 6, let unit = Self.hex4(q + 2) else {
      throw failure("invalid \\u escape, expected 4 hex digits", at: q)
    }
    if unit >= 0xDC00 && unit <= 0xDFFF {
      throw failure("lone low surrogate \\u\(String(unit, radix: 16, uppercase: true)) in string", at: q)
    }
    guard unit >= 0xD800 && unit <= 0xDBFF else { return (unit, q + 6) }
    let pair = q + 6
    guard end - pair >= 6, pair[0] == JSONByte.backslash, pair[1] == JSONByte.letterU,
      let low = Self.hex4(pair + 2), low >= 0xDC00 && low <= 0xDFFF
    else {
      throw failure("lone high surrogate \\u\(String(unit, radix: 16, uppercase: true)) in string", at: q)
    }
    return (Self.joinSurrogates(high: unit, low: low), pair + 6)
  }

  /// The four hex digits at `q` (which must have four bytes) as a number, or nil.
  @inlinable @inline(__always)
  public static func hex4(_ q: UnsafePointer<UInt8>) -> UInt32? {
    var value: UInt32 = 0
    for i in 0..<4 {
      let byte = q[i]
      let digit: UInt8
      switch byte {
      case JSONByte.zero...JSONByte.nine: digit = byte &- JSONByte.zero
      case 0x41...0x46: digit = byte &- 0x41 &+ 10  // A-F
      case 0x61...0x66: digit = byte &- 0x61 &+ 10  // a-f
      default: return nil
      }
      value = value << 4 | UInt32(digit)
    }
    return value
  }

  @inlinable @inline(__always)
  static func joinSurrogates(high: UInt32, low: UInt32) -> UInt32 {
    0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
  }

  /// Writes the text of `string` (escapes decoded) to `out`, which must have room for
  /// `string.count` bytes: no escape decodes to more bytes than it is written with. Returns the
  /// number of bytes written. `string` must come from ``scanString(validatesUTF8:)``, which
  /// checked its escapes.
  @inlinable
  public static func unescape(_ string: JSONStringToken, into out: UnsafeMutablePointer<UInt8>) -> Int {
    var q = string.content
    let last = q + string.count
    var count = 0
    while q < last {
      var plain = q
      while plain < last && plain.pointee != JSONByte.backslash { plain += 1 }
      (out + count).update(from: q, count: q.distance(to: plain))
      count += q.distance(to: plain)
      q = plain
      guard q < last else { break }
      let decoded: UInt8
      switch q[1] {
      case 0x62: decoded = 0x08  // b
      case 0x66: decoded = 0x0C  // f
      case 0x6E: decoded = 0x0A  // n
      case 0x72: decoded = 0x0D  // r
      case 0x74: decoded = 0x09  // t
      case JSONByte.letterU:
        var scalar = hex4(q + 2) ?? 0xFFFD
        q += 6
        if scalar >= 0xD800 && scalar <= 0xDBFF {
          scalar = joinSurrogates(high: scalar, low: hex4(q + 2) ?? 0xDC00)
          q += 6
        }
        count += UTF8Sequence.write(scalar, to: out + count)
        continue
      default: decoded = q[1]  // " \ /
      }
      out[count] = decoded
      count += 1
      q += 2
    }
    return count
  }
}
