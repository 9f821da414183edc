extension JSONScanner {
  /// Moves past the value at `position` (inside a container at `depth`) without building it,
  /// checking its syntax (not the UTF-8 of its strings).
  @inlinable
  public mutating func skipValue(depth: Int) throws(JSONScanError) {
    guard position < end else { throw failure("expected a value, found end of input") }
    switch position.pointee {
    case JSONByte.quote:
      _ = try scanString(validatesUTF8: false)
    case JSONByte.openBrace:
      try skipContainer(depth: depth + 1)
    case JSONByte.openBracket:
      try skipContainer(depth: depth + 1)
    case JSONByte.minus, JSONByte.zero...JSONByte.nine:
      _ = try scanNumber()
    case 0x74:  // t
      try expectLiteral("true")
    case 0x66:  // f
      try expectLiteral("false")
    case 0x6E:  // n
      try expectLiteral("null")
    default:
      throw failure("expected a value, found \(found())")
    }
  }

  /// Moves past the array or object whose bracket is at `position` (at `depth`), checking its
  /// syntax; returns its number of elements (members, for an object).
  @inlinable
  @discardableResult
  public mutating func skipContainer(depth: Int) throws(JSONScanError) -> Int {
    if depth > maxDepth { throw failure("nesting deeper than \(maxDepth) levels") }
    let isObject = position.pointee == JSONByte.openBrace
    let closing = isObject ? JSONByte.closeBrace : JSONByte.closeBracket
    position += 1
    skipWhitespace()
    if at(closing) {
      position += 1
      return 0
    }
    var elements = 0
    while true {
      if isObject {
        guard at(JSONByte.quote) else { throw failure("expected a string key, found \(found())") }
        _ = try scanString(validatesUTF8: false)
        try expectColon()
      }
      try skipValue(depth: depth)
      elements += 1
      if try endOfMember(closing: closing) { return elements }
    }
  }
}
