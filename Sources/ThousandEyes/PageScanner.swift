/// A light byte-level scan of a page's top-level JSON object.
///
/// It finds `_links.next.href` and counts the items of the collection array without building
/// any value: other values are skipped byte by byte. The `te` module decodes the page itself,
/// once, straight into Lua (DESIGN.md rule 3).
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

  private let bytes: [UInt8]
  private var index = 0

  private init(_ bytes: [UInt8]) {
    self.bytes = bytes
  }

  /// Scans a page body.
  public static func scan(_ body: [UInt8], collectionKey: String? = nil) throws -> Result {
    var scanner = PageScanner(body)
    return try scanner.scanTop(collectionKey: collectionKey.map { Array($0.utf8) })
  }

  private mutating func scanTop(collectionKey: [UInt8]?) throws -> Result {
    var result = Result()
    skipSpace()
    try expect(UInt8(ascii: "{"))
    try forEachMember { scanner, key in
      if key == Self.linksKey {
        result.nextHref = try scanner.scanLinks()
      } else if let collectionKey, key == collectionKey, scanner.peek() == UInt8(ascii: "[") {
        result.itemCount = try scanner.countArray()
      } else {
        try scanner.skipValue()
      }
    }
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
      try body(&self, key)
      skipSpace()
      guard let next = peek() else { throw MalformedBody(offset: index) }
      index += 1
      if next == UInt8(ascii: "}") { return }
      guard next == UInt8(ascii: ",") else { throw MalformedBody(offset: index - 1) }
    }
  }

  private mutating func countArray() throws -> Int {
    try expect(UInt8(ascii: "["))
    skipSpace()
    if peek() == UInt8(ascii: "]") {
      index += 1
      return 0
    }
    var count = 0
    while true {
      skipSpace()
      try skipValue()
      count += 1
      skipSpace()
      guard let next = peek() else { throw MalformedBody(offset: index) }
      index += 1
      if next == UInt8(ascii: "]") { return count }
      guard next == UInt8(ascii: ",") else { throw MalformedBody(offset: index - 1) }
    }
  }

  /// Skips one value of any type, nesting included, without building it.
  private mutating func skipValue() throws {
    skipSpace()
    guard let first = peek() else { throw MalformedBody(offset: index) }
    switch first {
    case UInt8(ascii: "\""):
      try skipString()
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      var depth = 0
      while index < bytes.count {
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: "\""):
          try skipString()
          continue
        case UInt8(ascii: "{"), UInt8(ascii: "["):
          depth += 1
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
          depth -= 1
          if depth == 0 {
            index += 1
            return
          }
        default:
          break
        }
        index += 1
      }
      throw MalformedBody(offset: index)
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
    index += 1
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\\") {
        index += 2
        continue
      }
      index += 1
      if byte == UInt8(ascii: "\"") { return }
    }
    throw MalformedBody(offset: index)
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
