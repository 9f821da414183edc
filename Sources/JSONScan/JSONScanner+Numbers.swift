/// A number found by ``JSONScanner/scanNumber()``: its parts, before conversion.
public struct JSONNumberToken {
  /// The first byte of the number (`-` or a digit).
  public let start: UnsafePointer<UInt8>
  /// One past its last byte.
  public let end: UnsafePointer<UInt8>
  /// True when it starts with `-`.
  public let isNegative: Bool
  /// Its first 19 significant digits as an integer.
  public let mantissa: UInt64
  /// The power of ten that `mantissa` is scaled by (fraction, exponent and dropped digits).
  public let exponent: Int
  /// True when it has no fraction and no exponent and no digit was dropped from `mantissa`.
  public let isInteger: Bool

  @inlinable
  init(
    start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, isNegative: Bool, mantissa: UInt64,
    exponent: Int, isInteger: Bool
  ) {
    self.start = start
    self.end = end
    self.isNegative = isNegative
    self.mantissa = mantissa
    self.exponent = exponent
    self.isInteger = isInteger
  }

  /// The number as a 64-bit integer when it is written as one and fits (`-0` does not: it is
  /// the float `-0.0`), else as the nearest double; nil when that double is infinite.
  @inlinable
  public var value: JSONNumber? {
    if isInteger {
      if mantissa <= UInt64(Int64.max) {
        if !isNegative { return .integer(Int64(mantissa)) }
        return mantissa == 0 ? .double(-0.0) : .integer(-Int64(mantissa))
      }
      if isNegative && mantissa == UInt64(Int64.max) + 1 { return .integer(Int64.min) }
    }
    // Exact fast path: the mantissa and the power of ten are both exact doubles.
    if mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
      var value = Double(mantissa)
      value = exponent < 0 ? value / Self.powerOfTen(-exponent) : value * Self.powerOfTen(exponent)
      return .double(isNegative ? -value : value)
    }
    let text = String(
      decoding: UnsafeBufferPointer(start: start, count: start.distance(to: end)), as: UTF8.self)
    guard let value = Double(text), value.isFinite else { return nil }
    return .double(value)
  }

  /// 10^n for 0 <= n <= 22, all exact doubles (so is every product on the way).
  @inlinable @inline(__always)
  static func powerOfTen(_ n: Int) -> Double {
    var result = 1.0
    var i = 0
    while i < n {
      result *= 10
      i += 1
    }
    return result
  }
}

/// A JSON number as Lua and most JSON libraries keep it.
public enum JSONNumber: Equatable, Sendable {
  case integer(Int64)
  case double(Double)
}

extension JSONScanner {
  /// Checks the number at `position` against JSON's grammar (`-`? int frac? exp?, no leading
  /// zero) and moves past it, accumulating its digits on the way.
  @inlinable @inline(__always)
  public mutating func scanNumber() throws(JSONScanError) -> JSONNumberToken {
    guard position < end else { throw failure("expected a number, found end of input") }
    let numberStart = position
    var q = position
    let negative = q.pointee == JSONByte.minus
    if negative { q += 1 }
    guard q < end, JSONByte.isDigit(q.pointee) else { throw failure("expected a digit after '-'", at: q) }
    var mantissa: UInt64 = 0
    var digits = 0  // significant digits accumulated into mantissa (at most 19)
    var droppedDigits = 0  // integer digits beyond the 19th
    if q.pointee == JSONByte.zero {
      q += 1
      if q < end && JSONByte.isDigit(q.pointee) { throw failure("leading zero in number", at: numberStart) }
    } else {
      while q < end {
        let digit = q.pointee &- JSONByte.zero
        if digit > 9 { break }
        if digits < 19 {
          mantissa = mantissa &* 10 &+ UInt64(digit)
          digits &+= 1
        } else {
          droppedDigits &+= 1
        }
        q += 1
      }
    }
    var isInteger = droppedDigits == 0
    var exponent = droppedDigits
    if q < end && q.pointee == JSONByte.dot {
      isInteger = false
      q += 1
      guard q < end, JSONByte.isDigit(q.pointee) else { throw failure("expected a digit after '.'", at: q) }
      while q < end {
        let digit = q.pointee &- JSONByte.zero
        if digit > 9 { break }
        if digits < 19 {
          if mantissa != 0 || digit != 0 { digits &+= 1 }
          mantissa = mantissa &* 10 &+ UInt64(digit)
          exponent &-= 1
        }
        q += 1
      }
    }
    if q < end && (q.pointee | 0x20) == 0x65 {  // e or E
      isInteger = false
      q += 1
      var exponentNegative = false
      if q < end && (q.pointee == JSONByte.minus || q.pointee == JSONByte.plus) {
        exponentNegative = q.pointee == JSONByte.minus
        q += 1
      }
      guard q < end, JSONByte.isDigit(q.pointee) else {
        throw failure("expected a digit in the exponent", at: q)
      }
      var value = 0
      while q < end {
        let digit = q.pointee &- JSONByte.zero
        if digit > 9 { break }
        if value < 100_000 { value = value &* 10 &+ Int(digit) }  // past this, any value is 0 or inf
        q += 1
      }
      exponent &+= exponentNegative ? -value : value
    }
    position = q
    return JSONNumberToken(
      start: numberStart, end: q, isNegative: negative, mantissa: mantissa, exponent: exponent,
      isInteger: isInteger)
  }

  /// Reads the number at `position` (see ``JSONNumberToken/value``); a number too large for a
  /// double is an error.
  @inlinable
  public mutating func readNumber() throws(JSONScanError) -> JSONNumber {
    let token = try scanNumber()
    guard let value = token.value else { throw failure("number out of range", at: token.start) }
    return value
  }
}
