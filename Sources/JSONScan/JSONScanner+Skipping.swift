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
    let isObject = position.pointee == JSONByte.openBrace
    let closing = isObject ? JSONByte.closeBrace : JSONByte.closeBracket
    guard try openContainer(depth: depth) else { return 0 }
    var elements = 0
    while true {
      if isObject {
        try expectKey()
        _ = try scanString(validatesUTF8: false)
        try expectColon()
      }
      try skipValue(depth: depth)
      elements += 1
      if try endOfMember(closing: closing) { return elements }
    }
  }
}
