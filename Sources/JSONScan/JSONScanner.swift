/// A cursor over JSON text in borrowed memory: the byte-level grammar that the Lua decoder
/// (LuaHost) and the page scanner (ThousandEyes) share.
///
/// It checks and skips tokens; building values is the caller's business. Whitespace,
/// literals and separators are here, strings in `JSONScanner+Strings.swift`, numbers in
/// `JSONScanner+Numbers.swift`, skipping whole values in `JSONScanner+Skipping.swift`.
/// Everything on the hot path is `@inlinable`, so that it is specialised into its callers
/// across the module boundary.
///
/// The memory from `start` to `end` must stay valid while the scanner is used.
public struct JSONScanner {
  /// The default limit on nested arrays and objects.
  public static let defaultMaxDepth = 512

  /// The first byte of the input (offsets in errors count from here).
  public let start: UnsafePointer<UInt8>
  /// One past the last byte of the input.
  public let end: UnsafePointer<UInt8>
  /// The next byte to read.
  public var position: UnsafePointer<UInt8>
  /// The deepest nesting of arrays and objects that ``skipValue(depth:)`` accepts.
  public let maxDepth: Int

  /// Creates a scanner over `start ..< end`, at `start`.
  @inlinable
  public init(start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, maxDepth: Int = defaultMaxDepth) {
    self.start = start
    self.end = end
    self.position = start
    self.maxDepth = maxDepth
  }

  /// The number of bytes from `position` to the end.
  @inlinable
  public var remaining: Int { end - position }

  /// True when `position` is at the end of the input.
  @inlinable
  public var isAtEnd: Bool { position >= end }

  /// True when the byte at `position` is `byte` (false at the end).
  @inlinable @inline(__always)
  public func at(_ byte: UInt8) -> Bool {
    position < end && position.pointee == byte
  }

  // MARK: Errors

  /// An error at `location` (by default `position`).
  public func failure(_ reason: String, at location: UnsafePointer<UInt8>? = nil) -> JSONScanError {
    JSONScanError(reason: reason, offset: (location ?? position) - start)
  }

  /// Names the byte at `position` (or the end of input) for "expected X, found Y" messages.
  public func found() -> String {
    if position >= end { return "end of input" }
    let byte = position.pointee
    if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
    return "byte 0x" + String(byte, radix: 16, uppercase: true)
  }

  // MARK: Whitespace, literals, separators

  /// Moves past spaces, tabs, line feeds and carriage returns.
  @inlinable @inline(__always)
  public mutating func skipWhitespace() {
    while position < end && JSONByte.isWhitespace(position.pointee) { position += 1 }
  }

  /// Consumes `literal` (`true`, `false` or `null`) at `position`, or fails.
  @inlinable
  public mutating func expectLiteral(_ literal: StaticString) throws(JSONScanError) {
    let count = literal.utf8CodeUnitCount
    let text = literal.utf8Start
    if end - position >= count {
      var i = 0
      while i < count && position[i] == text[i] { i += 1 }
      if i == count {
        position += count
        return
      }
    }
    throw failure("invalid literal, expected '\(literal)'")
  }

  /// Enters the array or object whose bracket is at `position`, at `depth`: checks the depth
  /// limit, consumes the bracket and the whitespace after it. An empty container is consumed
  /// whole and the answer is false; otherwise it is true, with `position` at the first element.
  @inlinable @inline(__always)
  public mutating func openContainer(depth: Int) throws(JSONScanError) -> Bool {
    if depth > maxDepth { throw failure("nesting deeper than \(maxDepth) levels") }
    let closing = position.pointee &+ 2  // '{' + 2 is '}', '[' + 2 is ']'
    position += 1
    skipWhitespace()
    if at(closing) {
      position += 1
      return false
    }
    return true
  }

  /// Checks that an object member's key (its opening quote) is at `position`.
  @inlinable @inline(__always)
  public func expectKey() throws(JSONScanError) {
    guard at(JSONByte.quote) else { throw failure("expected a string key, found \(found())") }
  }

  /// Consumes a `:` between a key and its value, and the whitespace around it.
  @inlinable @inline(__always)
  public mutating func expectColon() throws(JSONScanError) {
    skipWhitespace()
    guard at(JSONByte.colon) else { throw failure("expected ':', found \(found())") }
    position += 1
    skipWhitespace()
  }

  /// After a member or element: consumes `,` and the whitespace after it (and returns false),
  /// or the `closing` bracket (and returns true). A comma right before `closing` is an error.
  @inlinable @inline(__always)
  public mutating func endOfMember(closing: UInt8) throws(JSONScanError) -> Bool {
    skipWhitespace()
    guard position < end else {
      throw failure("expected \(Self.separators(closing)), found end of input")
    }
    let byte = position.pointee
    if byte == JSONByte.comma {
      position += 1
      skipWhitespace()
      if at(closing) {
        throw failure("trailing comma before '\(closing == JSONByte.closeBrace ? "}" : "]")'")
      }
      return false
    }
    if byte == closing {
      position += 1
      return true
    }
    throw failure("expected \(Self.separators(closing)), found \(found())")
  }

  @usableFromInline
  static func separators(_ closing: UInt8) -> String {
    closing == JSONByte.closeBrace ? "',' or '}'" : "',' or ']'"
  }
}
