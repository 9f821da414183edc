import CLua
import CLuaBridge
import JSONScan

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
      L: L, input: JSONScanner(start: start, end: start + bytes.count, maxDepth: options.maxDepth),
      arrayMetatable: base + 1, objectMetatable: base + 2, options: options)
    defer { decoder.releaseScratch() }
    do {
      try decoder.decodeDocument()
    } catch {
      lua_settop(L, base)
      throw LuaJSONError(message: error.description, offset: error.offset)
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

/// The decoder's state: the scanner over the input (JSONScan: the grammar, strings, numbers,
/// skipping) and the Lua state the values are pushed onto (here: building them).
struct JSONStackDecoder {
  let L: OpaquePointer
  var input: JSONScanner
  let arrayMetatable: Int32
  let objectMetatable: Int32
  let keepsNullMembers: Bool
  let projection: JSONProjection?
  var scratch: UnsafeMutablePointer<UInt8>?
  var scratchCapacity = 0

  init(
    L: OpaquePointer, input: JSONScanner, arrayMetatable: Int32, objectMetatable: Int32,
    options: LuaJSON.DecodeOptions
  ) {
    self.L = L
    self.input = input
    self.arrayMetatable = arrayMetatable
    self.objectMetatable = objectMetatable
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

  /// Sizes of the last array and object decoded at each depth below ``ShapeHints/depths``: the
  /// next container at the same depth is created with that many slots. The elements of an API
  /// page (results, agents, tests) share one shape, so their tables are allocated once at the
  /// right size instead of growing through 1, 2, 4, 8, 16 slots (five rehashes per result).
  /// Never more than ``ShapeHints/limit`` slots are reserved ahead of the data.
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

  // MARK: Structure

  mutating func decodeDocument() throws(JSONScanError) {
    input.skipWhitespace()
    if let projection, input.at(JSONByte.openBrace) {
      try decodeProjectedPage(projection)
    } else {
      _ = try decodeValue(depth: 0, inObject: false)
    }
    input.skipWhitespace()
    if !input.isAtEnd { throw input.failure("unexpected \(input.found()) after the JSON value") }
  }

  /// Parses one value at the input's position and pushes it. Returns false when the value was
  /// an object member's `null` that is left out (nothing pushed).
  mutating func decodeValue(depth: Int, inObject: Bool) throws(JSONScanError) -> Bool {
    guard !input.isAtEnd else { throw input.failure("expected a value, found end of input") }
    switch input.position.pointee {
    case JSONByte.quote:
      try decodeString()
    case JSONByte.openBrace:
      try decodeObject(depth: depth + 1)
    case JSONByte.openBracket:
      try decodeArray(depth: depth + 1)
    case JSONByte.minus, JSONByte.zero...JSONByte.nine:
      switch try input.readNumber() {
      case .integer(let value): lua_pushinteger(L, value)
      case .double(let value): lua_pushnumber(L, value)
      }
    case 0x74:  // t
      try input.expectLiteral("true")
      lua_pushboolean(L, 1)
    case 0x66:  // f
      try input.expectLiteral("false")
      lua_pushboolean(L, 0)
    case 0x6E:  // n
      try input.expectLiteral("null")
      if inObject && !keepsNullMembers { return false }
      lua_pushlightuserdata(L, LuaJSON.null)
    default:
      throw input.failure("expected a value, found \(input.found())")
    }
    return true
  }

  /// Stops before a big string that would cross the state's memory cap (which host code may
  /// overshoot): the run is killed for its memory limit.
  @inline(__always)
  func checkRoom(_ length: Int, at position: UnsafePointer<UInt8>) throws(JSONScanError) {
    if length >= 4096, terun_host_fits(L, length) == 0 {
      throw input.failure("stopped (memory limit reached)", at: position)
    }
  }

  /// The values pushed so far count against the state's memory cap: stops as soon as the run is
  /// over it or another limit killed it (the kill, not this message, ends the run).
  @inline(__always)
  func checkNotKilled() throws(JSONScanError) {
    if terun_is_killed(L) != 0 {
      throw input.failure("stopped (memory limit or another limit reached)")
    }
  }

  mutating func enterContainer(depth: Int) throws(JSONScanError) {
    try checkNotKilled()
    if lua_checkstack(L, 4) == 0 {
      throw input.failure("Lua stack exhausted")
    }
  }

  /// Enters the array or object whose bracket is at the input's position: checks the limits,
  /// pushes its table (`slots` reserved unless it is empty) with the shared metatable of its
  /// kind, and consumes an empty container whole. Returns false when it was empty.
  @inline(__always)
  mutating func beginContainer(depth: Int, array: Bool, slots: Int32) throws(JSONScanError) -> Bool {
    try enterContainer(depth: depth)
    let hasElements = try input.openContainer(depth: depth)
    lua_createtable(L, array && hasElements ? slots : 0, !array && hasElements ? slots : 0)
    lua_pushvalue(L, array ? arrayMetatable : objectMetatable)
    lua_setmetatable(L, -2)
    return hasElements
  }

  mutating func decodeArray(depth: Int) throws(JSONScanError) {
    guard try beginContainer(depth: depth, array: true, slots: shapeHint(array: true, depth: depth)) else {
      return
    }
    var index: lua_Integer = 1
    defer { noteShape(array: true, depth: depth, count: Int(index - 1)) }
    while true {
      _ = try decodeValue(depth: depth, inObject: false)
      lua_rawseti(L, -2, index)
      index &+= 1
      if index & 0x3FF == 0 { try checkNotKilled() }
      if try input.endOfMember(closing: JSONByte.closeBracket) { return }
    }
  }

  mutating func decodeObject(depth: Int) throws(JSONScanError) {
    guard try beginContainer(depth: depth, array: false, slots: shapeHint(array: false, depth: depth)) else {
      return
    }
    var members = 0
    defer { noteShape(array: false, depth: depth, count: members) }
    while true {
      try input.expectKey()
      try decodeString()
      try input.expectColon()
      if try decodeValue(depth: depth, inObject: true) {
        lua_rawset(L, -3)
        members &+= 1
        if members & 0x3FF == 0 { try checkNotKilled() }
      } else {
        lua_settop(L, -2)  // drop the key of a null member
      }
      if try input.endOfMember(closing: JSONByte.closeBrace) { return }
    }
  }

  // MARK: Strings

  /// Parses the string whose opening quote is at the input's position (its UTF-8 checked) and
  /// pushes it.
  mutating func decodeString() throws(JSONScanError) {
    try pushString(try input.scanString(validatesUTF8: true))
  }

  /// Pushes the text of a scanned string: its bytes where they are, or, when it has escapes,
  /// decoded into the scratch buffer first.
  @inline(__always)
  mutating func pushString(_ string: JSONStringToken) throws(JSONScanError) {
    guard string.hasEscapes else {
      try checkRoom(string.count, at: string.openingQuote)
      lua_pushlstring(L, UnsafeRawPointer(string.content).assumingMemoryBound(to: CChar.self), string.count)
      return
    }
    reserveScratch(string.count)
    let count = JSONScanner.unescape(string, into: scratch!)
    try checkRoom(count, at: string.openingQuote)
    lua_pushlstring(L, UnsafeRawPointer(scratch!).assumingMemoryBound(to: CChar.self), count)
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
}
