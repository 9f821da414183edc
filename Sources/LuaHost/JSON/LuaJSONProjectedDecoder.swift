import CLua
import CLuaBridge

/// Decoding with a ``JSONProjection``: the page object whole, its collection's items reduced to
/// the projected members, everything else skipped without touching Lua.
extension JSONStackDecoder {
  /// Decodes the top-level object at `p` (depth 1); the collection member's array is projected.
  mutating func decodeProjectedPage(_ projection: JSONProjection) throws(LuaJSONError) {
    let collectionKey = Array(projection.collectionKey.utf8)
    guard try beginContainer(depth: 1, array: false, slots: 4) else { return }
    while true {
      guard p < end && p.pointee == quote else {
        throw failure("expected a string key, found \(found())", at: p)
      }
      try decodeString()
      var length = 0
      let key = lua_tolstring(L, -1, &length)!
      let isCollection =
        length == collectionKey.count
        && collectionKey.withUnsafeBufferPointer { memoryEqual($0.baseAddress!, key, length) }
      try expectColon()
      let kept: Bool
      if isCollection && p < end && p.pointee == openBracket {
        if projection.shape == .values {
          try decodeFlatArray(depth: 2, node: projection.root, width: projection.fields.count)
        } else {
          try decodeProjectedArray(depth: 2, node: projection.root)
        }
        kept = true
      } else {
        kept = try decodeValue(depth: 1, inObject: true)
      }
      if kept {
        lua_rawset(L, -3)
      } else {
        lua_settop(L, -2)
      }
      if try endOfMember(closing: closeBrace) { return }
    }
  }

  /// The collection array: object elements are projected, other elements decoded whole.
  mutating func decodeProjectedArray(depth: Int, node: JSONProjection.Node) throws(LuaJSONError) {
    guard try beginContainer(depth: depth, array: true, slots: shapeHint(array: true, depth: depth)) else {
      return
    }
    var index: lua_Integer = 1
    defer { noteShape(array: true, depth: depth, count: Int(index - 1)) }
    while true {
      if p < end && p.pointee == openBrace {
        try decodeProjectedObject(depth: depth + 1, node: node)
      } else {
        _ = try decodeValue(depth: depth, inObject: false)
      }
      lua_rawseti(L, -2, index)
      index &+= 1
      if try endOfMember(closing: closeBracket) { return }
    }
  }

  /// An object of which only `node`'s members are built; the others are skipped.
  mutating func decodeProjectedObject(depth: Int, node: JSONProjection.Node) throws(LuaJSONError) {
    guard try beginContainer(depth: depth, array: false, slots: Int32(node.count)) else { return }
    while true {
      guard p < end && p.pointee == quote else {
        throw failure("expected a string key, found \(found())", at: p)
      }
      let member = try projectedKey(node)
      try expectColon()
      if member >= 0 {
        let kept: Bool
        if p < end, p.pointee == openBrace, let child = node.children[member] {
          try decodeProjectedObject(depth: depth + 1, node: child)
          kept = true
        } else {
          kept = try decodeValue(depth: depth, inObject: true)
        }
        if kept {
          lua_rawset(L, -3)
        } else {
          lua_settop(L, -2)  // drop the key of a null member
        }
      } else {
        try skipValue(depth: depth)
      }
      if try endOfMember(closing: closeBrace) { return }
    }
  }

  /// The collection as one flat array of the items' field values (``JSONProjection/Shape/values``):
  /// item `i`'s field `f` at `(i - 1) * width + f`, the item count under `n`. Elements that are
  /// not objects leave their slots empty.
  mutating func decodeFlatArray(depth: Int, node: JSONProjection.Node, width: Int) throws(LuaJSONError) {
    try enterContainer(depth: depth)
    p += 1
    skipWhitespace()
    let isEmpty = p < end && p.pointee == closeBracket
    lua_createtable(L, isEmpty ? 0 : shapeHint(array: true, depth: depth), 1)
    let table = lua_gettop(L)
    var items = 0
    if isEmpty {
      p += 1
    } else {
      defer { noteShape(array: true, depth: depth, count: items * width) }
      while true {
        if p < end && p.pointee == openBrace {
          try decodeFlatObject(depth: depth + 1, node: node, table: table, base: items * width)
        } else {
          try skipValue(depth: depth)
        }
        items += 1
        if items & 0x3FF == 0, terun_is_killed(L) != 0 {
          throw failure("stopped (memory limit or another limit reached)", at: p)
        }
        if try endOfMember(closing: closeBracket) { break }
      }
    }
    lua_pushinteger(L, lua_Integer(items))
    lua_setfield(L, table, "n")
  }

  /// One item as values: each kept member's value goes to slot `base + slot + 1` of the flat
  /// array at stack index `table`; nothing else is built.
  mutating func decodeFlatObject(depth: Int, node: JSONProjection.Node, table: Int32, base: Int)
    throws(LuaJSONError)
  {
    if depth > maxDepth { throw failure("nesting deeper than \(maxDepth) levels", at: p) }
    p += 1
    skipWhitespace()
    if p < end && p.pointee == closeBrace {
      p += 1
      return
    }
    while true {
      guard p < end && p.pointee == quote else {
        throw failure("expected a string key, found \(found())", at: p)
      }
      let member = try projectedKey(node, pushingKey: false)
      try expectColon()
      if member < 0 {
        try skipValue(depth: depth)
      } else if let child = node.children[member] {
        if p < end && p.pointee == openBrace {
          try decodeFlatObject(depth: depth + 1, node: child, table: table, base: base)
        } else {
          try skipValue(depth: depth)  // not an object: the fields inside it stay empty
        }
      } else if try decodeValue(depth: depth, inObject: true) {
        lua_rawseti(L, table, lua_Integer(base + node.slots[member] + 1))
      }
      if try endOfMember(closing: closeBrace) { return }
    }
  }

  /// Reads the key at `p` (its opening quote). When `node` keeps it, returns the member's
  /// index and, with `pushingKey`, pushes the key; otherwise pushes nothing and returns -1.
  /// `p` ends after the closing quote.
  mutating func projectedKey(_ node: JSONProjection.Node, pushingKey: Bool = true) throws(LuaJSONError) -> Int
  {
    let open = p
    let first = p + 1
    var q = first
    while true {
      q = endOfPlainRun(q)
      guard q < end else { throw failure("unterminated string", at: open) }
      let c = q.pointee
      if c == quote { break }
      if c == backslash {
        // Rare: a key with escapes is decoded properly, then compared.
        p = open
        try decodeString()
        var length = 0
        let key = UnsafeRawPointer(lua_tolstring(L, -1, &length)!).assumingMemoryBound(to: UInt8.self)
        let member = node.index(of: key, length: length)
        if member < 0 || !pushingKey { lua_settop(L, -2) }
        return member
      }
      throw failure("control character 0x\(String(c, radix: 16)) in string", at: q)
    }
    p = q + 1
    let count = first.distance(to: q)
    let member = node.index(of: first, length: count)
    if member >= 0 && pushingKey {
      lua_pushlstring(L, UnsafeRawPointer(first).assumingMemoryBound(to: CChar.self), count)
    }
    return member
  }

  /// The first byte at or after `q` that is a quote, a backslash or a control byte (or `end`),
  /// eight bytes at a time while none is.
  @inline(__always)
  func endOfPlainRun(_ start: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
    var q = start
    while end - q >= 8 {
      let word = UnsafeRawPointer(q).loadUnaligned(as: UInt64.self)
      if hasQuoteBackslashOrControl(word) { break }
      q += 8
    }
    while q < end {
      let c = q.pointee
      if c == quote || c == backslash || c < 0x20 { break }
      q += 1
    }
    return q
  }

  // MARK: Skipping

  /// Moves `p` past the value at `p` (inside a container at `depth`) without building it,
  /// checking its JSON syntax (not the UTF-8 of its strings).
  mutating func skipValue(depth: Int) throws(LuaJSONError) {
    guard p < end else { throw failure("expected a value, found end of input", at: p) }
    switch p.pointee {
    case quote:
      try skipString()
    case openBrace:
      try skipContainer(depth: depth + 1, closing: closeBrace)
    case openBracket:
      try skipContainer(depth: depth + 1, closing: closeBracket)
    case minus, zero...nine:
      try skipNumber()
    case 0x74:  // t
      try expectLiteral("true")
    case 0x66:  // f
      try expectLiteral("false")
    case 0x6E:  // n
      try expectLiteral("null")
    default:
      throw failure("expected a value, found \(found())", at: p)
    }
  }

  mutating func skipContainer(depth: Int, closing: UInt8) throws(LuaJSONError) {
    if depth > maxDepth { throw failure("nesting deeper than \(maxDepth) levels", at: p) }
    p += 1
    skipWhitespace()
    if p < end && p.pointee == closing {
      p += 1
      return
    }
    while true {
      if closing == closeBrace {
        guard p < end && p.pointee == quote else {
          throw failure("expected a string key, found \(found())", at: p)
        }
        try skipString()
        try expectColon()
      }
      try skipValue(depth: depth)
      if try endOfMember(closing: closing) { return }
    }
  }

  mutating func skipString() throws(LuaJSONError) {
    let open = p
    var q = p + 1
    while true {
      q = endOfPlainRun(q)
      guard q < end else { throw failure("unterminated string", at: open) }
      let c = q.pointee
      if c == quote {
        p = q + 1
        return
      }
      if c < 0x20 { throw failure("control character 0x\(String(c, radix: 16)) in string", at: q) }
      // A backslash.
      guard q + 1 < end else { throw failure("unterminated string", at: open) }
      switch q[1] {
      case quote, backslash, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:
        q += 2
      case 0x75:
        guard hex4(at: q + 2) != nil else {
          throw failure("invalid \\u escape, expected 4 hex digits", at: q)
        }
        q += 6
      default:
        throw failure("invalid escape '\\\(Character(Unicode.Scalar(q[1])))' in string", at: q)
      }
    }
  }

  mutating func skipNumber() throws(LuaJSONError) {
    let numberStart = p
    var q = p
    if q.pointee == minus { q += 1 }
    guard q < end, q.pointee >= zero && q.pointee <= nine else {
      throw failure("expected a digit after '-'", at: q)
    }
    if q.pointee == zero {
      q += 1
      if q < end && q.pointee >= zero && q.pointee <= nine {
        throw failure("leading zero in number", at: numberStart)
      }
    } else {
      while q < end && q.pointee >= zero && q.pointee <= nine { q += 1 }
    }
    if q < end && q.pointee == dot {
      q += 1
      guard q < end, q.pointee >= zero && q.pointee <= nine else {
        throw failure("expected a digit after '.'", at: q)
      }
      while q < end && q.pointee >= zero && q.pointee <= nine { q += 1 }
    }
    if q < end && (q.pointee | 0x20) == 0x65 {  // e or E
      q += 1
      if q < end && (q.pointee == minus || q.pointee == plus) { q += 1 }
      guard q < end, q.pointee >= zero && q.pointee <= nine else {
        throw failure("expected a digit in the exponent", at: q)
      }
      while q < end && q.pointee >= zero && q.pointee <= nine { q += 1 }
    }
    p = q
  }
}

/// True when one of the eight bytes is '"', '\\' or below 0x20 (bytes from 0x80 up are plain
/// here: the skipper does not check UTF-8).
@inline(__always)
private func hasQuoteBackslashOrControl(_ word: UInt64) -> Bool {
  let ones: UInt64 = 0x0101_0101_0101_0101
  let highs: UInt64 = 0x8080_8080_8080_8080
  let quotes = word ^ (ones &* 0x22)
  let backslashes = word ^ (ones &* 0x5C)
  let hasQuote = (quotes &- ones) & ~quotes
  let hasBackslash = (backslashes &- ones) & ~backslashes
  let hasControl = (word &- ones &* 0x20) & ~word
  return (hasQuote | hasBackslash | hasControl) & highs != 0
}

@inline(__always)
private func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<CChar>, _ count: Int) -> Bool {
  var i = 0
  let b = UnsafeRawPointer(b).assumingMemoryBound(to: UInt8.self)
  while i < count && a[i] == b[i] { i += 1 }
  return i == count
}
