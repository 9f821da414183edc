import JSONScan

/// A light byte-level scan of a page's top-level JSON object.
///
/// It finds `_links.next.href` and counts the items of the collection array without building
/// any value: other values are skipped (and their syntax checked) by JSONScan's scanner. The
/// `te` module decodes the page itself, once, straight into Lua (docs/architecture.md, rule 3).
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

  /// The body, borrowed for the scan (no copy).
  private var input: JSONScanner

  private init(_ input: JSONScanner) {
    self.input = input
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
    return try body.withUnsafeBufferPointer { buffer throws(MalformedBody) in
      guard let base = buffer.baseAddress else { throw MalformedBody(offset: 0) }
      var scanner = PageScanner(JSONScanner(start: base, end: base + buffer.count))
      do throws(JSONScanError) {
        if countingItems && key != nil {
          return try scanner.scanTop(collectionKey: key)
        }
        if let links = scanner.lastMemberValue(named: Self.linksKey) {
          scanner.input.position = links
          return Result(nextHref: try scanner.scanLinks(), itemCount: nil)
        }
        return try scanner.scanTop(collectionKey: nil)
      } catch {
        throw MalformedBody(offset: error.offset)
      }
    }
  }

  // MARK: Backwards

  /// The value of the top-level object's last member when that member is `name` (spelled
  /// without escapes) and its value an object; nil otherwise. Reads backwards from the end:
  /// brackets are counted, strings skipped to their unescaped opening quote.
  ///
  /// Kept because it pays (issue 16, measured with `bench/pagescan/run` on bench/json/gen.py's
  /// 1.1 MB page of 1,500 results, CPU time): reading `_links` backwards takes 0.3 µs a page,
  /// walking the collection forwards 770 µs (1,430 MB/s). An export's pages are 166 KB, so
  /// the forward walk would add about 23 ms of CPU to the benchmark's 200 pages, some 12% of
  /// terun's 0.19 s; the backward reading costs nothing measurable. See BENCHMARKS.md,
  /// "One JSON scanner (issue 16)".
  private func lastMemberValue(named name: [UInt8]) -> UnsafePointer<UInt8>? {
    let first = input.start
    var q = input.end - 1
    func skipSpaceBackwards() {
      while q >= first, JSONByte.isWhitespace(q.pointee) { q -= 1 }
    }
    skipSpaceBackwards()
    guard q >= first, q.pointee == JSONByte.closeBrace else { return nil }
    q -= 1
    skipSpaceBackwards()
    guard q >= first, q.pointee == JSONByte.closeBrace else { return nil }
    var depth = 0
    while q >= first {
      let byte = q.pointee
      if byte == JSONByte.quote {
        guard let open = openingQuote(closing: q) else { return nil }
        q = open - 1
        continue
      }
      if byte == JSONByte.closeBrace || byte == JSONByte.closeBracket {
        depth += 1
      } else if byte == JSONByte.openBrace || byte == JSONByte.openBracket {
        depth -= 1
        if depth == 0 { break }
      }
      q -= 1
    }
    guard q >= first else { return nil }
    let value = q
    q -= 1
    skipSpaceBackwards()
    guard q >= first, q.pointee == JSONByte.colon else { return nil }
    q -= 1
    skipSpaceBackwards()
    guard q >= first, q.pointee == JSONByte.quote, let open = openingQuote(closing: q) else { return nil }
    guard open.distance(to: q) - 1 == name.count, name.indices.allSatisfy({ open[1 + $0] == name[$0] }) else {
      return nil
    }
    q = open - 1
    skipSpaceBackwards()
    guard q >= first, q.pointee == JSONByte.comma || q.pointee == JSONByte.openBrace else { return nil }
    return value
  }

  /// The quote that opens the string closed by the quote at `closing`: the first quote before
  /// it not escaped by an odd run of backslashes.
  private func openingQuote(closing: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
    var k = closing - 1
    while k >= input.start {
      if k.pointee == JSONByte.quote {
        var j = k - 1
        while j >= input.start && j.pointee == JSONByte.backslash { j -= 1 }
        if j.distance(to: k - 1) % 2 == 0 { return k }
      }
      k -= 1
    }
    return nil
  }

  // MARK: Forwards

  /// Reads the top-level members forwards: `_links` for the next link and, with a
  /// `collectionKey`, the collection's item count. Without one it stops after `_links`.
  private mutating func scanTop(collectionKey: [UInt8]?) throws(JSONScanError) -> Result {
    var result = Result()
    input.skipWhitespace()
    try forMembers(depth: 1) { scanner, key throws(JSONScanError) in
      if key == Self.linksKey {
        result.nextHref = try scanner.scanLinks()
        return collectionKey == nil
      }
      if let collectionKey, key == collectionKey, scanner.input.at(JSONByte.openBracket) {
        result.itemCount = try scanner.input.skipContainer(depth: 2)
      } else {
        try scanner.input.skipValue(depth: 1)
      }
      return false
    }
    return result
  }

  private static let linksKey = Array("_links".utf8)
  private static let nextKey = Array("next".utf8)
  private static let hrefKey = Array("href".utf8)

  /// At the value of `_links`: returns `next.href`.
  private mutating func scanLinks() throws(JSONScanError) -> String? {
    guard input.at(JSONByte.openBrace) else {
      try input.skipValue(depth: 1)
      return nil
    }
    var href: String?
    try forMembers(depth: 2) { scanner, key throws(JSONScanError) in
      guard key == Self.nextKey, scanner.input.at(JSONByte.openBrace) else {
        try scanner.input.skipValue(depth: 2)
        return false
      }
      try scanner.forMembers(depth: 3) { inner, innerKey throws(JSONScanError) in
        if innerKey == Self.hrefKey, inner.input.at(JSONByte.quote) {
          href = String(decoding: try inner.readString(), as: UTF8.self)
        } else {
          try inner.input.skipValue(depth: 3)
        }
        return false
      }
      return false
    }
    return href
  }

  /// Calls `body` for each member of the object whose `{` is at the position, at `depth`, with
  /// the position at the member's value, until it returns true (then the scan stops after that
  /// member's value); otherwise consumes the `}`.
  private mutating func forMembers(
    depth: Int, until body: (inout PageScanner, [UInt8]) throws(JSONScanError) -> Bool
  ) throws(JSONScanError) {
    guard input.at(JSONByte.openBrace) else { throw input.failure("expected '{', found \(input.found())") }
    guard try input.openContainer(depth: depth) else { return }
    while true {
      try input.expectKey()
      let key = try readString()
      try input.expectColon()
      if try body(&self, key) { return }
      if try input.endOfMember(closing: JSONByte.closeBrace) { return }
    }
  }

  /// Reads the string at the position, decoding escapes; returns its UTF-8 bytes.
  private mutating func readString() throws(JSONScanError) -> [UInt8] {
    let string = try input.scanString(validatesUTF8: false)
    guard string.hasEscapes else {
      return Array(UnsafeBufferPointer(start: string.content, count: string.count))
    }
    return [UInt8](unsafeUninitializedCapacity: string.count) { buffer, count in
      count = JSONScanner.unescape(string, into: buffer.baseAddress!)
    }
  }
}
