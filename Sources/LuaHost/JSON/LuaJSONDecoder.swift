import CLua
import CLuaBridge

extension LuaJSON {
  /// Parses the JSON text in `bytes` and pushes exactly one Lua value onto `L`'s stack.
  ///
  /// No intermediate object graph is built: values are pushed as they are parsed. On error the
  /// stack is restored to its height before the call and nothing is pushed.
  ///
  /// - Object members whose value is `null` are left out (the key is absent) unless
  ///   `options.keepsNullMembers` is set; `null` in arrays and at the top level is ``null``.
  /// - Errors name the zero-based byte offset: `invalid JSON at byte 17: expected ':'`.
  public static func decode(
    _ bytes: UnsafeRawBufferPointer, into L: OpaquePointer, options: DecodeOptions = DecodeOptions()
  ) throws(LuaJSONError) {
    guard let address = bytes.baseAddress, bytes.count > 0 else {
      throw LuaJSONError(message: "invalid JSON at byte 0: expected a value, found end of input", offset: 0)
    }
    let base = lua_gettop(L)
    guard lua_checkstack(L, 8) != 0 else {
      throw LuaJSONError(message: "invalid JSON: Lua stack exhausted")
    }
    pushArrayMetatable(L)
    pushObjectMetatable(L)
    let start = address.assumingMemoryBound(to: UInt8.self)
    var decoder = JSONStackDecoder(
      L: L, start: start, end: start + bytes.count, arrayMetatable: base + 1, objectMetatable: base + 2,
      options: options)
    defer { decoder.releaseScratch() }
    do {
      try decoder.decodeDocument()
    } catch {
      lua_settop(L, base)
      throw error
    }
    // Move the value down over the two metatables.
    lua_rotate(L, base + 1, 1)
    lua_settop(L, base + 1)
  }

  /// Decodes `bytes` (e.g. a `[UInt8]` or the UTF-8 of a `String`) onto `L`'s stack.
  public static func decode<Bytes: Sequence<UInt8>>(
    _ bytes: Bytes, into L: OpaquePointer, options: DecodeOptions = DecodeOptions()
  ) throws(LuaJSONError) {
    let array = Array(bytes)
    let result: Result<Void, LuaJSONError> = array.withUnsafeBytes { buffer in
      do throws(LuaJSONError) {
        try decode(buffer, into: L, options: options)
        return .success(())
      } catch {
        return .failure(error)
      }
    }
    try result.get()
  }
}

// ASCII bytes the parser looks at (here and in LuaJSONProjectedDecoder.swift).
let quote: UInt8 = 0x22
let backslash: UInt8 = 0x5C
let slash: UInt8 = 0x2F
let minus: UInt8 = 0x2D
let plus: UInt8 = 0x2B
let dot: UInt8 = 0x2E
let zero: UInt8 = 0x30
let nine: UInt8 = 0x39
let colon: UInt8 = 0x3A
let comma: UInt8 = 0x2C
let openBrace: UInt8 = 0x7B
let closeBrace: UInt8 = 0x7D
let openBracket: UInt8 = 0x5B
let closeBracket: UInt8 = 0x5D

/// The last container sizes seen per depth (see `JSONStackDecoder.shapeHints`), in fixed
/// storage: no allocation per document.
struct ShapeHints {
  static let depths = 8
  static let limit = 4096
  var arrays: (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) = (0, 0, 0, 0, 0, 0, 0, 0)
  var objects: (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) = (0, 0, 0, 0, 0, 0, 0, 0)

  @inline(__always)
  func count(array: Bool, depth: Int) -> Int32 {
    withUnsafeBytes(of: array ? arrays : objects) { $0.load(fromByteOffset: depth * 4, as: Int32.self) }
  }

  @inline(__always)
  mutating func set(array: Bool, depth: Int, count: Int32) {
    if array {
      withUnsafeMutableBytes(of: &arrays) {
        $0.storeBytes(of: count, toByteOffset: depth * 4, as: Int32.self)
      }
    } else {
      withUnsafeMutableBytes(of: &objects) {
        $0.storeBytes(of: count, toByteOffset: depth * 4, as: Int32.self)
      }
    }
  }
}

/// The parser's state: a cursor over the input bytes and the Lua state values are pushed onto.
struct JSONStackDecoder {
  let L: OpaquePointer
  let start: UnsafePointer<UInt8>
  let end: UnsafePointer<UInt8>
  var p: UnsafePointer<UInt8>
  let arrayMetatable: Int32
  let objectMetatable: Int32
  let maxDepth: Int
  let keepsNullMembers: Bool
  let projection: JSONProjection?
  var scratch: UnsafeMutablePointer<UInt8>?
  var scratchCapacity = 0

  init(
    L: OpaquePointer, start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, arrayMetatable: Int32,
    objectMetatable: Int32, options: LuaJSON.DecodeOptions
  ) {
    self.L = L
    self.start = start
    self.end = end
    self.p = start
    self.arrayMetatable = arrayMetatable
    self.objectMetatable = objectMetatable
    self.maxDepth = options.maxDepth
    self.keepsNullMembers = options.keepsNullMembers
    self.projection = options.projection
  }

  mutating func releaseScratch() {
    scratch?.deallocate()
    scratch = nil
    _ = terun_host_charge(L, -scratchCapacity)
    scratchCapacity = 0
  }

  // MARK: Shape hints

  /// Sizes of the last array and object decoded at each depth below ``shapeHintDepths``: the
  /// next container at the same depth is created with that many slots. The elements of an API
  /// page (results, agents, tests) share one shape, so their tables are allocated once at the
  /// right size instead of growing through 1, 2, 4, 8, 16 slots (five rehashes per result).
  /// Never more than ``shapeHintLimit`` slots are reserved ahead of the data.
  var shapeHints = ShapeHints()

  @inline(__always)
  func shapeHint(array: Bool, depth: Int) -> Int32 {
    depth < ShapeHints.depths ? shapeHints.count(array: array, depth: depth) : 0
  }

  @inline(__always)
  mutating func noteShape(array: Bool, depth: Int, count: Int) {
    if depth < ShapeHints.depths {
      shapeHints.set(array: array, depth: depth, count: Int32(min(count, ShapeHints.limit)))
    }
  }

  // MARK: Errors

  func failure(_ what: String, at position: UnsafePointer<UInt8>) -> LuaJSONError {
    let offset = position - start
    return LuaJSONError(message: "invalid JSON at byte \(offset): \(what)", offset: offset)
  }

  /// Describes the byte at `p` (or the end of input) for "expected X, found Y" messages.
  func found() -> String {
    if p >= end { return "end of input" }
    let c = p.pointee
    if c >= 0x21 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
    return "byte 0x" + String(c, radix: 16, uppercase: true)
  }

  // MARK: Structure

  mutating func decodeDocument() throws(LuaJSONError) {
    skipWhitespace()
    if let projection, p < end, p.pointee == 0x7B {
      try decodeProjectedPage(projection)
    } else {
      _ = try decodeValue(depth: 0, inObject: false)
    }
    skipWhitespace()
    if p < end { throw failure("unexpected \(found()) after the JSON value", at: p) }
  }

  @inline(__always)
  mutating func skipWhitespace() {
    while p < end {
      let c = p.pointee
      if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 {
        p += 1
      } else {
        return
      }
    }
  }

  /// Parses one value at `p` and pushes it. Returns false when the value was an object member's
  /// `null` that is left out (nothing pushed).
  mutating func decodeValue(depth: Int, inObject: Bool) throws(LuaJSONError) -> Bool {
    guard p < end else { throw failure("expected a value, found end of input", at: p) }
    switch p.pointee {
    case quote:
      try decodeString()
    case 0x7B:  // {
      try decodeObject(depth: depth + 1)
    case 0x5B:  // [
      try decodeArray(depth: depth + 1)
    case minus, zero...nine:
      try decodeNumber()
    case 0x74:  // t
      try expectLiteral("true")
      lua_pushboolean(L, 1)
    case 0x66:  // f
      try expectLiteral("false")
      lua_pushboolean(L, 0)
    case 0x6E:  // n
      try expectLiteral("null")
      if inObject && !keepsNullMembers { return false }
      lua_pushlightuserdata(L, LuaJSON.null)
    default:
      throw failure("expected a value, found \(found())", at: p)
    }
    return true
  }

  mutating func expectLiteral(_ literal: StaticString) throws(LuaJSONError) {
    let count = literal.utf8CodeUnitCount
    let text = literal.utf8Start
    if end - p >= count {
      var i = 0
      while i < count && p[i] == text[i] { i += 1 }
      if i == count {
        p += count
        return
      }
    }
    throw failure("invalid literal, expected '\(literal)'", at: p)
  }

  /// Stops before a big string that would cross the state's memory cap (which host code may
  /// overshoot): the run is killed for its memory limit.
  @inline(__always)
  func checkRoom(_ length: Int, at position: UnsafePointer<UInt8>) throws(LuaJSONError) {
    if length >= 4096, terun_host_fits(L, length) == 0 {
      throw failure("stopped (memory limit reached)", at: position)
    }
  }

  mutating func enterContainer(depth: Int) throws(LuaJSONError) {
    // The values pushed so far count against the state's memory cap: stop as soon as the run
    // is over it (the run is killed; the kill, not this message, ends it).
    if terun_is_killed(L) != 0 {
      throw failure("stopped (memory limit or another limit reached)", at: p)
    }
    if depth > maxDepth {
      throw failure("nesting deeper than \(maxDepth) levels", at: p)
    }
    if lua_checkstack(L, 4) == 0 {
      throw failure("Lua stack exhausted", at: p)
    }
  }

  /// Enters the array or object whose bracket is at `p`: checks the depth, pushes its table
  /// (`slots` reserved unless it is empty) with the shared metatable of its kind, and consumes
  /// an empty container whole. Returns false when it was empty.
  @inline(__always)
  mutating func beginContainer(depth: Int, array: Bool, slots: Int32) throws(LuaJSONError) -> Bool {
    try enterContainer(depth: depth)
    p += 1
    skipWhitespace()
    let isEmpty = p < end && p.pointee == (array ? closeBracket : closeBrace)
    lua_createtable(L, array && !isEmpty ? slots : 0, !array && !isEmpty ? slots : 0)
    lua_pushvalue(L, array ? arrayMetatable : objectMetatable)
    lua_setmetatable(L, -2)
    if isEmpty { p += 1 }
    return !isEmpty
  }

  mutating func decodeArray(depth: Int) throws(LuaJSONError) {
    guard try beginContainer(depth: depth, array: true, slots: shapeHint(array: true, depth: depth)) else {
      return
    }
    var index: lua_Integer = 1
    defer { noteShape(array: true, depth: depth, count: Int(index - 1)) }
    while true {
      _ = try decodeValue(depth: depth, inObject: false)
      lua_rawseti(L, -2, index)
      index &+= 1
      if index & 0x3FF == 0, terun_is_killed(L) != 0 {
        throw failure("stopped (memory limit or another limit reached)", at: p)
      }
      if try endOfMember(closing: closeBracket) { return }
    }
  }

  mutating func decodeObject(depth: Int) throws(LuaJSONError) {
    guard try beginContainer(depth: depth, array: false, slots: shapeHint(array: false, depth: depth)) else {
      return
    }
    var members = 0
    defer { noteShape(array: false, depth: depth, count: members) }
    while true {
      guard p < end && p.pointee == quote else {
        throw failure("expected a string key, found \(found())", at: p)
      }
      try decodeString()
      try expectColon()
      if try decodeValue(depth: depth, inObject: true) {
        lua_rawset(L, -3)
        members &+= 1
        if members & 0x3FF == 0, terun_is_killed(L) != 0 {
          throw failure("stopped (memory limit or another limit reached)", at: p)
        }
      } else {
        lua_settop(L, -2)  // drop the key of a null member
      }
      if try endOfMember(closing: closeBrace) { return }
    }
  }

  // MARK: Separators

  @inline(__always)
  mutating func expectColon() throws(LuaJSONError) {
    skipWhitespace()
    guard p < end && p.pointee == colon else { throw failure("expected ':', found \(found())", at: p) }
    p += 1
    skipWhitespace()
  }

  /// After a member or element: consumes `,` (and returns false) or the closing bracket (and
  /// returns true).
  @inline(__always)
  mutating func endOfMember(closing: UInt8) throws(LuaJSONError) -> Bool {
    skipWhitespace()
    guard p < end else { throw failure("expected \(separators(closing)), found end of input", at: p) }
    let c = p.pointee
    if c == comma {
      p += 1
      skipWhitespace()
      if p < end && p.pointee == closing {
        throw failure("trailing comma before '\(closing == closeBrace ? "}" : "]")'", at: p)
      }
      return false
    }
    if c == closing {
      p += 1
      return true
    }
    throw failure("expected \(separators(closing)), found \(found())", at: p)
  }

  private func separators(_ closing: UInt8) -> String {
    closing == closeBrace ? "',' or '}'" : "',' or ']'"
  }

  // MARK: Strings

  /// Parses the string whose opening quote is at `p` and pushes it.
  mutating func decodeString() throws(LuaJSONError) {
    let open = p
    let first = p + 1
    var q = first
    while true {
      // Eight bytes at a time while none is special: '"', '\\', a control byte, or non-ASCII.
      while end - q >= 8 {
        let word = UnsafeRawPointer(q).loadUnaligned(as: UInt64.self)
        if hasSpecialByte(word) { break }
        q += 8
      }
      while q < end {
        let c = q.pointee
        if c == quote || c == backslash || c < 0x20 || c >= 0x80 { break }
        q += 1
      }
      guard q < end else { throw failure("unterminated string", at: open) }
      let c = q.pointee
      if c == quote {
        try checkRoom(first.distance(to: q), at: open)
        lua_pushlstring(L, UnsafeRawPointer(first).assumingMemoryBound(to: CChar.self), first.distance(to: q))
        p = q + 1
        return
      }
      if c == backslash {
        p = q
        try decodeEscapedString(open: open, copiedUpTo: first)
        return
      }
      if c < 0x20 { throw failure("control character 0x\(String(c, radix: 16)) in string", at: q) }
      q = try skipUTF8Sequence(at: q)
    }
  }

  /// Checks the multi-byte UTF-8 sequence that starts at `q` and returns the position after it.
  func skipUTF8Sequence(at q: UnsafePointer<UInt8>) throws(LuaJSONError) -> UnsafePointer<UInt8> {
    guard let length = validUTF8Length(q, available: end - q) else {
      throw failure("invalid UTF-8 in string", at: q)
    }
    return q + length
  }

  mutating func reserveScratch(_ needed: Int) {
    if needed <= scratchCapacity { return }
    let capacity = max(needed, scratchCapacity * 2, 256)
    let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    if let old = scratch {
      grown.update(from: old, count: scratchCapacity)
      old.deallocate()
    }
    scratch = grown
    // The scratch buffer counts against the memory cap while it lives (a crossing kills the
    // run; the next container or element check stops the decoding).
    _ = terun_host_charge(L, capacity - scratchCapacity)
    scratchCapacity = capacity
  }

  /// The slow path for strings with escapes: copies into the scratch buffer, decoding escapes.
  /// `p` is at the first backslash; the bytes from `copiedUpTo` to `p` are plain.
  mutating func decodeEscapedString(open: UnsafePointer<UInt8>, copiedUpTo plainStart: UnsafePointer<UInt8>)
    throws(LuaJSONError)
  {
    var count = plainStart.distance(to: p)
    // An escape never decodes to more bytes than it occupies, so the rest of the input bounds it.
    reserveScratch(count + (end - p))
    let out = scratch!
    out.update(from: plainStart, count: count)
    var q = p
    while true {
      guard q < end else { throw failure("unterminated string", at: open) }
      let c = q.pointee
      if c == quote {
        try checkRoom(count, at: open)
        lua_pushlstring(L, UnsafeRawPointer(out).assumingMemoryBound(to: CChar.self), count)
        p = q + 1
        return
      }
      if c == backslash {
        guard q + 1 < end else { throw failure("unterminated string", at: open) }
        let escape = q[1]
        var decoded: UInt8 = 0
        switch escape {
        case quote: decoded = quote
        case backslash: decoded = backslash
        case slash: decoded = slash
        case 0x62: decoded = 0x08  // b
        case 0x66: decoded = 0x0C  // f
        case 0x6E: decoded = 0x0A  // n
        case 0x72: decoded = 0x0D  // r
        case 0x74: decoded = 0x09  // t
        case 0x75:  // u
          let scalar = try decodeUnicodeEscape(at: q)
          count += writeUTF8(scalar.value, to: out + count)
          q = scalar.next
          continue
        default:
          throw failure("invalid escape '\\\(Character(Unicode.Scalar(escape)))' in string", at: q)
        }
        out[count] = decoded
        count += 1
        q += 2
        continue
      }
      if c < 0x20 { throw failure("control character 0x\(String(c, radix: 16)) in string", at: q) }
      if c < 0x80 {
        out[count] = c
        count += 1
        q += 1
        continue
      }
      let next = try skipUTF8Sequence(at: q)
      let length = q.distance(to: next)
      (out + count).update(from: q, count: length)
      count += length
      q = next
    }
  }

  /// Reads four hex digits at `q`, or returns nil.
  func hex4(at q: UnsafePointer<UInt8>) -> UInt32? {
    guard end - q >= 4 else { return nil }
    var value: UInt32 = 0
    for i in 0..<4 {
      let c = q[i]
      let digit: UInt8
      switch c {
      case zero...nine: digit = c &- zero
      case 0x41...0x46: digit = c &- 0x41 &+ 10
      case 0x61...0x66: digit = c &- 0x61 &+ 10
      default: return nil
      }
      value = value << 4 | UInt32(digit)
    }
    return value
  }

  /// Decodes `\uXXXX` at `q` (at the backslash), joining a surrogate pair.
  func decodeUnicodeEscape(at q: UnsafePointer<UInt8>) throws(LuaJSONError) -> (
    value: UInt32, next: UnsafePointer<UInt8>
  ) {
    guard let unit = hex4(at: q + 2) else {
      throw failure("invalid \\u escape, expected 4 hex digits", at: q)
    }
    if unit >= 0xDC00 && unit <= 0xDFFF {
      throw failure("lone low surrogate \\u\(String(unit, radix: 16, uppercase: true)) in string", at: q)
    }
    guard unit >= 0xD800 && unit <= 0xDBFF else { return (unit, q + 6) }
    let pair = q + 6
    guard end - pair >= 6, pair[0] == backslash, pair[1] == 0x75, let low = hex4(at: pair + 2),
      low >= 0xDC00 && low <= 0xDFFF
    else {
      throw failure("lone high surrogate \\u\(String(unit, radix: 16, uppercase: true)) in string", at: q)
    }
    return (0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), pair + 6)
  }

  // MARK: Numbers

  /// Parses a number at `p` and pushes an integer or a float.
  mutating func decodeNumber() throws(LuaJSONError) {
    let numberStart = p
    var q = p
    let negative = q.pointee == minus
    if negative { q += 1 }
    guard q < end, q.pointee >= zero && q.pointee <= nine else {
      throw failure("expected a digit after '-'", at: q)
    }
    var mantissa: UInt64 = 0
    var digits = 0  // significant digits accumulated into mantissa (at most 19)
    var droppedDigits = 0  // integer digits beyond the 19th
    if q.pointee == zero {
      q += 1
      if q < end && q.pointee >= zero && q.pointee <= nine {
        throw failure("leading zero in number", at: numberStart)
      }
    } else {
      while q < end {
        let d = q.pointee &- zero
        if d > 9 { break }
        if digits < 19 {
          mantissa = mantissa &* 10 &+ UInt64(d)
          digits &+= 1
        } else {
          droppedDigits &+= 1
        }
        q += 1
      }
    }
    var isFloat = false
    var exponent = droppedDigits
    if q < end && q.pointee == dot {
      isFloat = true
      q += 1
      guard q < end, q.pointee >= zero && q.pointee <= nine else {
        throw failure("expected a digit after '.'", at: q)
      }
      while q < end {
        let d = q.pointee &- zero
        if d > 9 { break }
        if digits < 19 {
          if mantissa != 0 || d != 0 { digits &+= 1 }
          mantissa = mantissa &* 10 &+ UInt64(d)
          exponent &-= 1
        }
        q += 1
      }
    }
    if q < end && (q.pointee | 0x20) == 0x65 {  // e or E
      isFloat = true
      q += 1
      var exponentNegative = false
      if q < end && (q.pointee == minus || q.pointee == plus) {
        exponentNegative = q.pointee == minus
        q += 1
      }
      guard q < end, q.pointee >= zero && q.pointee <= nine else {
        throw failure("expected a digit in the exponent", at: q)
      }
      var value = 0
      while q < end {
        let d = q.pointee &- zero
        if d > 9 { break }
        if value < 100_000 { value = value &* 10 &+ Int(d) }
        q += 1
      }
      exponent &+= exponentNegative ? -value : value
    }
    p = q
    if !isFloat && droppedDigits == 0 {
      if mantissa <= UInt64(Int64.max) {
        if negative {
          if mantissa == 0 {
            lua_pushnumber(L, -0.0)
          } else {
            lua_pushinteger(L, -Int64(mantissa))
          }
        } else {
          lua_pushinteger(L, Int64(mantissa))
        }
        return
      }
      if negative && mantissa == UInt64(Int64.max) + 1 {
        lua_pushinteger(L, Int64.min)
        return
      }
    }
    // Exact fast path: the mantissa and the power of ten are both exact doubles.
    if mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
      var value = Double(mantissa)
      value = exponent < 0 ? value / powerOfTen(-exponent) : value * powerOfTen(exponent)
      lua_pushnumber(L, negative ? -value : value)
      return
    }
    let text = String(
      decoding: UnsafeBufferPointer(start: numberStart, count: numberStart.distance(to: q)), as: UTF8.self)
    guard let value = Double(text), value.isFinite else {
      throw failure("number out of range", at: numberStart)
    }
    lua_pushnumber(L, value)
  }
}

@inline(__always)
func hasSpecialByte(_ word: UInt64) -> Bool {
  let ones: UInt64 = 0x0101_0101_0101_0101
  let highs: UInt64 = 0x8080_8080_8080_8080
  let quotes = word ^ (ones &* 0x22)
  let backslashes = word ^ (ones &* 0x5C)
  let hasQuote = (quotes &- ones) & ~quotes
  let hasBackslash = (backslashes &- ones) & ~backslashes
  let hasControl = (word &- ones &* 0x20) & ~word
  return (hasQuote | hasBackslash | hasControl | word) & highs != 0
}

/// Writes `scalar` as UTF-8 at `out`; returns the number of bytes written.
@inline(__always)
private func writeUTF8(_ scalar: UInt32, to out: UnsafeMutablePointer<UInt8>) -> Int {
  switch scalar {
  case 0..<0x80:
    out[0] = UInt8(scalar)
    return 1
  case 0x80..<0x800:
    out[0] = UInt8(0xC0 | scalar >> 6)
    out[1] = UInt8(0x80 | scalar & 0x3F)
    return 2
  case 0x800..<0x10000:
    out[0] = UInt8(0xE0 | scalar >> 12)
    out[1] = UInt8(0x80 | scalar >> 6 & 0x3F)
    out[2] = UInt8(0x80 | scalar & 0x3F)
    return 3
  default:
    out[0] = UInt8(0xF0 | scalar >> 18)
    out[1] = UInt8(0x80 | scalar >> 12 & 0x3F)
    out[2] = UInt8(0x80 | scalar >> 6 & 0x3F)
    out[3] = UInt8(0x80 | scalar & 0x3F)
    return 4
  }
}

/// 10^n for 0 <= n <= 22, all exact doubles.
@inline(__always)
private func powerOfTen(_ n: Int) -> Double {
  var result = 1.0
  var i = 0
  // Small loop; exact because every intermediate 10^k (k <= 22) is exact.
  while i < n {
    result *= 10
    i += 1
  }
  return result
}
