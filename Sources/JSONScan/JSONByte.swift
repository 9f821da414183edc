/// The ASCII bytes of JSON's grammar, by name.
///
/// Computed and inlinable, so that they fold to constants in the modules that use them.
public enum JSONByte {
  @inlinable public static var quote: UInt8 { 0x22 }
  @inlinable public static var backslash: UInt8 { 0x5C }
  @inlinable public static var slash: UInt8 { 0x2F }
  @inlinable public static var minus: UInt8 { 0x2D }
  @inlinable public static var plus: UInt8 { 0x2B }
  @inlinable public static var dot: UInt8 { 0x2E }
  @inlinable public static var zero: UInt8 { 0x30 }
  @inlinable public static var nine: UInt8 { 0x39 }
  @inlinable public static var colon: UInt8 { 0x3A }
  @inlinable public static var comma: UInt8 { 0x2C }
  @inlinable public static var openBrace: UInt8 { 0x7B }
  @inlinable public static var closeBrace: UInt8 { 0x7D }
  @inlinable public static var openBracket: UInt8 { 0x5B }
  @inlinable public static var closeBracket: UInt8 { 0x5D }
  /// `u`, the letter of a `\u` escape.
  @inlinable public static var letterU: UInt8 { 0x75 }

  /// True for the four bytes JSON allows between tokens: space, tab, line feed, carriage return.
  @inlinable @inline(__always)
  public static func isWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
  }

  /// True for `0` to `9`.
  @inlinable @inline(__always)
  public static func isDigit(_ byte: UInt8) -> Bool {
    byte &- zero < 10
  }
}
