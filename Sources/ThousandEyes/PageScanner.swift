/// A light byte-level scan of a page's top-level JSON object.
///
/// It finds `_links.next.href` and counts the items of the collection array without building
/// any value: other values are skipped byte by byte. The `te` module decodes the page itself,
/// once, straight into Lua (docs/architecture.md, rule 3).
public struct PageScanner {
  /// What the scan found.
  public struct Result: Equatable, Sendable {
    /// `_links.next.href`, unescaped, when present and a string.
    public var nextHref: String?
    /// The number of elements of the collection array, when a key was given and found.
    public var itemCount: Int?
  }

  /// A body that is not a JSON object.
  public struct MalformedBody: Error, Equatable, CustomStringConvertible {
    /// The byte offset where scanning failed.
    public var offset: Int
    public var description: String { "malformed JSON page body at byte \(offset)" }
  }

  /// The body, borrowed for the scan (no copy, no bounds checks in release builds).
  private let bytes: UnsafeBufferPointer<UInt8>
  private var index = 0

  private init(_ bytes: UnsafeBufferPointer<UInt8>) {
    self.bytes = bytes
  }

  /// Scans a page body.
  ///
  /// - Parameters:
  ///   - collectionKey: the collection whose items are counted.
  ///   - countingItems: whether the count is wanted (progress is shown). When it is not, the
  ///     collection is not walked when it can be avoided: `_links` is first looked for as the
  ///     last member, reading backwards from the end of the body, then forwards up to it. The
  ///     backward reading is exact for valid JSON; the page is decoded (and checked) anyway.
  public static func scan(_ body: [UInt8], collectionKey: String? = nil, countingItems: Bool = true) throws
    -> Result
  {
    let key = collectionKey.map { Array($0.utf8) }
    return try body.withUnsafeBufferPointer { buffer in
      var scanner = PageScanner(buffer)
      if countingItems && key != nil {
        return try scanner.scanTop(collectionKey: key)
      }
      if let links = scanner.lastMemberValue(named: Self.linksKey) {
        scanner.index = links
        return Result(nextHref: try scanner.scanLinks(), itemCount: nil)
      }
      return try scanner.scanTop(collectionKey: nil)
    }
  }

  /// The index of the value of the top-level object's last member when that member is `name`
  /// (spelled without escapes) and its value an object; nil otherwise. Reads backwards from
  /// the end: brackets are counted, strings skipped to their unescaped opening quote.
  private func lastMemberValue(named name: [UInt8]) -> Int? {
    guard let base = bytes.baseAddress else { return nil }
    var i = bytes.count - 1
    func skipSpaceBackwards() {
      while i >= 0, base[i] == 0x20 || base[i] == 0x0A || base[i] == 0x0D || base[i] == 0x09 { i -= 1 }
    }
    skipSpaceBackwards()
    guard i >= 0, base[i] == UInt8(ascii: "}") else { return nil }
    i -= 1
    skipSpaceBackwards()
    guard i >= 0, base[i] == UInt8(ascii: "}") else { return nil }
    var depth = 0
    while i >= 0 {
      let c = base[i]
      if c == UInt8(ascii: "\"") {
        guard let open = Self.openingQuote(base, closing: i) else { return nil }
        i = open - 1
        continue
      }
      if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
        depth += 1
      } else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
        depth -= 1
        if depth == 0 { break }
      }
      i -= 1
    }
    guard i >= 0 else { return nil }
    let value = i
    i -= 1
    skipSpaceBackwards()
    guard i >= 0, base[i] == UInt8(ascii: ":") else { return nil }
    i -= 1
    skipSpaceBackwards()
    guard i >= 0, base[i] == UInt8(ascii: "\""), let open = Self.openingQuote(base, closing: i) else {
      return nil
    }
    guard i - open - 1 == name.count, name.indices.allSatisfy({ base[open + 1 + $0] == name[$0] }) else {
      return nil
    }
    i = open - 1
    skipSpaceBackwards()
    guard i >= 0, base[i] == UInt8(ascii: ",") || base[i] == UInt8(ascii: "{") else { return nil }
    return value
  }

  /// The index of the quote that opens the string closed by the quote at `closing`: the first
  /// quote before it not escaped by an odd run of backslashes.
  private static func openingQuote(_ base: UnsafePointer<UInt8>, closing: Int) -> Int? {
    var k = closing - 1
    while k >= 0 {
      if base[k] == UInt8(ascii: "\"") {
        var j = k - 1
        while j >= 0 && base[j] == UInt8(ascii: "\\") { j -= 1 }
        if (k - 1 - j) % 2 == 0 { return k }
      }
      k -= 1
    }
    return nil
  }

  /// Reads the top-level members forwards: `_links` for the next link and, with a
  /// `collectionKey`, the collection's item count. Without one it stops after `_links`.
  private mutating func scanTop(collectionKey: [UInt8]?) throws -> Result {
    var result = Result()
    skipSpace()
    try expect(UInt8(ascii: "{"))
    try forMembers(until: { scanner, key in
      if key == Self.linksKey {
        result.nextHref = try scanner.scanLinks()
        return collectionKey == nil
      }
      if let collectionKey, key == collectionKey, scanner.peek() == UInt8(ascii: "[") {
        result.itemCount = try scanner.countArray()
      } else {
        try scanner.skipValue()
      }
      return false
    })
    return result
  }

  private static let linksKey = Array("_links".utf8)
  private static let nextKey = Array("next".utf8)
  private static let hrefKey = Array("href".utf8)

  /// In `_links`: returns `next.href`.
  private mutating func scanLinks() throws -> String? {
    guard peek() == UInt8(ascii: "{") else {
      try skipValue()
      return nil
    }
    index += 1
    var href: String?
    try forEachMember { scanner, key in
      if key == Self.nextKey, scanner.peek() == UInt8(ascii: "{") {
        scanner.index += 1
        try scanner.forEachMember { inner, innerKey in
          if innerKey == Self.hrefKey, inner.peek() == UInt8(ascii: "\"") {
            href = String(decoding: try inner.readString(), as: UTF8.self)
          } else {
            try inner.skipValue()
          }
        }
      } else {
        try scanner.skipValue()
      }
    }
    return href
  }

  /// Calls `body` for each member of an object whose `{` was consumed; consumes the `}`.
  private mutating func forEachMember(_ body: (inout PageScanner, [UInt8]) throws -> Void) throws {
    try forMembers { scanner, key in
      try body(&scanner, key)
      return false
    }
  }

  /// Calls `body` for each member of an object whose `{` was consumed, until it returns true
  /// (then the scan stops after that member's value); otherwise consumes the `}`.
  private mutating func forMembers(until body: (inout PageScanner, [UInt8]) throws -> Bool) throws {
    skipSpace()
    if peek() == UInt8(ascii: "}") {
      index += 1
      return
    }
    while true {
      skipSpace()
      guard peek() == UInt8(ascii: "\"") else { throw MalformedBody(offset: index) }
      let key = try readString()
      skipSpace()
      try expect(UInt8(ascii: ":"))
      skipSpace()
      if try body(&self, key) { return }
      skipSpace()
      guard let next = peek() else { throw MalformedBody(offset: index) }
      index += 1
      if next == UInt8(ascii: "}") { return }
      guard next == UInt8(ascii: ",") else { throw MalformedBody(offset: index - 1) }
    }
  }

  private mutating func countArray() throws -> Int {
    let skipped = try Self.skipContainer(bytes, at: index)
    index = skipped.end
    return skipped.elements
  }

  /// Skips one value of any type, nesting included, without building it.
  private mutating func skipValue() throws {
    skipSpace()
    guard let first = peek() else { throw MalformedBody(offset: index) }
    switch first {
    case UInt8(ascii: "\""):
      try skipString()
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      index = try Self.skipContainer(bytes, at: index).end
    default:
      // A number, true, false or null: up to the next delimiter.
      let start = index
      while index < bytes.count {
        let byte = bytes[index]
        if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
          || byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
        {
          break
        }
        index += 1
      }
      if index == start { throw MalformedBody(offset: index) }
    }
  }

  private mutating func skipString() throws {
    index = try Self.skipString(bytes, at: index)
  }

  /// The index after the string whose opening quote is at `start`, skipping eight bytes at a
  /// time while none of them is a quote or a backslash.
  @inline(__always)
  private static func skipString(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) throws -> Int {
    let count = bytes.count
    guard let base = bytes.baseAddress else { throw MalformedBody(offset: start) }
    var i = start + 1
    while true {
      while count - i >= 8 {
        let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
        if hasQuoteOrBackslash(word) { break }
        i += 8
      }
      guard i < count else { throw MalformedBody(offset: min(i, count)) }
      let byte = base[i]
      if byte == UInt8(ascii: "\\") {
        i += 2
        continue
      }
      i += 1
      if byte == UInt8(ascii: "\"") { return i }
    }
  }

  /// Skips the array or object whose bracket is at `start` in one tight loop over the bytes
  /// (strings skipped whole, brackets counted). Returns the index after its closing bracket and
  /// the number of its elements (members, for an object). Only the nesting is checked, which is
  /// all the scan needs; the decoder checks the rest.
  private static func skipContainer(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) throws
    -> (end: Int, elements: Int)
  {
    guard let base = bytes.baseAddress else { throw MalformedBody(offset: start) }
    let count = bytes.count
    var i = start + 1
    while i < count, base[i] == 0x20 || base[i] == 0x0A || base[i] == 0x0D || base[i] == 0x09 { i += 1 }
    if i < count, base[i] == UInt8(ascii: "]") || base[i] == UInt8(ascii: "}") {
      return (i + 1, 0)
    }
    var depth = 1
    var separators = 0
    while i < count {
      switch base[i] {
      case UInt8(ascii: "\""):
        i = try skipString(bytes, at: i)
        continue
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        depth += 1
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        depth -= 1
        if depth == 0 { return (i + 1, separators + 1) }
      case UInt8(ascii: ","):
        if depth == 1 { separators += 1 }
      default:
        break
      }
      i += 1
    }
    throw MalformedBody(offset: count)
  }

  /// True when one of the eight bytes of `word` is '"' or '\\' (the classic has-zero-byte test
  /// on the word xor-ed with each).
  @inline(__always)
  private static func hasQuoteOrBackslash(_ word: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    let quotes = word ^ (ones &* 0x22)
    let backslashes = word ^ (ones &* 0x5C)
    return ((quotes &- ones) & ~quotes | (backslashes &- ones) & ~backslashes) & highs != 0
  }

  /// Reads a string at `"`, decoding escapes; returns its UTF-8 bytes.
  private mutating func readString() throws -> [UInt8] {
    try expect(UInt8(ascii: "\""))
    var out: [UInt8] = []
    while index < bytes.count {
      let byte = bytes[index]
      index += 1
      if byte == UInt8(ascii: "\"") { return out }
      guard byte == UInt8(ascii: "\\") else {
        out.append(byte)
        continue
      }
      guard index < bytes.count else { break }
      let escape = bytes[index]
      index += 1
      switch escape {
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"):
        var scalar = try readHex4()
        if (0xD800..<0xDC00).contains(scalar), index + 1 < bytes.count,
          bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
        {
          index += 2
          let low = try readHex4()
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8))
      default: out.append(escape)  // \" \\ \/
      }
    }
    throw MalformedBody(offset: index)
  }

  private mutating func readHex4() throws -> UInt32 {
    guard index + 4 <= bytes.count,
      let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
    else { throw MalformedBody(offset: index) }
    index += 4
    return value
  }

  private func peek() -> UInt8? {
    index < bytes.count ? bytes[index] : nil
  }

  private mutating func expect(_ byte: UInt8) throws {
    guard peek() == byte else { throw MalformedBody(offset: index) }
    index += 1
  }

  private mutating func skipSpace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x0A, 0x0D, 0x09: index += 1
      default: return
      }
    }
  }
}
