import CLua
import CLuaBridge
import JSONScan

extension LuaJSON {
  /// Encodes the Lua value at `index` as JSON text.
  ///
  /// - Tables with the array metatable encode as arrays of `t[1]..t[#t]` (a `nil` hole becomes
  ///   `null`); tables with the object metatable as objects. An unmarked table whose keys are
  ///   exactly `1..n` with `n > 0` is an array; any other unmarked table, including an empty one,
  ///   is an object (`te.json.array{}` marks an empty array).
  /// - Lua integers print as integers; floats print in the shortest form that reads back as the
  ///   same double and always show they are floats (`3.0`, `1e+20`), so that decode -> encode
  ///   keeps each number's kind.
  /// - Object keys are strings; integer keys are written in decimal. Keys are sorted by bytes.
  /// - Refused, with the path of the value (`$` is the root, `.name` or `["odd key"]` a member,
  ///   `[i]` the Lua index of an element): cycles, functions, userdata other than `te.json.null`,
  ///   threads, NaN and infinities, keys that are neither strings nor integers, strings that are not
  ///   valid UTF-8, and tables nested deeper than `options.maxDepth`. For example:
  ///   `cannot encode function at $.agents[3].fn`.
  public static func encode(_ L: OpaquePointer, at index: Int32, options: EncodeOptions = EncodeOptions())
    throws(LuaJSONError) -> [UInt8]
  {
    let top = lua_gettop(L)
    let valueIndex = lua_absindex(L, index)
    guard lua_checkstack(L, 8) != 0 else { throw LuaJSONError(message: "cannot encode: Lua stack exhausted") }
    pushArrayMetatable(L)
    pushObjectMetatable(L)
    var encoder = JSONStackEncoder(
      L: L, arrayMetatable: top + 1, objectMetatable: top + 2, options: options)
    defer {
      lua_settop(L, top)
      _ = terun_host_charge(L, -encoder.charged)
    }
    do {
      try encoder.encodeValue(at: valueIndex, depth: 0)
    } catch {
      let path = "$" + error.reversedPath.reversed().joined()
      throw LuaJSONError(message: "cannot encode \(error.reason) at \(path)")
    }
    return encoder.output
  }
}

/// An encoding failure on its way up: each table level adds its path component.
private struct EncodeFailure: Error {
  let reason: String
  var reversedPath: [String] = []
}

private struct JSONStackEncoder {
  let L: OpaquePointer
  let arrayMetatable: Int32
  let objectMetatable: Int32
  let pretty: Bool
  let sortsKeys: Bool
  let maxDepth: Int
  var output: [UInt8] = []
  /// Bytes of `output`'s capacity charged to the state's memory cap.
  var charged = 0
  /// Values encoded so far.
  var values = 0
  /// Tables on the path from the root to the current value, to find cycles.
  var openTables: [UnsafeRawPointer] = []

  init(L: OpaquePointer, arrayMetatable: Int32, objectMetatable: Int32, options: LuaJSON.EncodeOptions) {
    self.L = L
    self.arrayMetatable = arrayMetatable
    self.objectMetatable = objectMetatable
    self.pretty = options.pretty
    self.sortsKeys = options.sortsKeys
    self.maxDepth = options.maxDepth
    output.reserveCapacity(256)
  }

  mutating func append(_ text: StaticString) {
    output.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
  }

  mutating func newline(depth: Int) {
    output.append(0x0A)
    for _ in 0..<depth { append("  ") }
  }

  // MARK: Values

  /// Charges the output's growth to the state's memory cap; stops once the run is over it,
  /// or (checked every 1024 values) once the run is killed for another limit.
  mutating func chargeOutput() throws(EncodeFailure) {
    values &+= 1
    if values & 0x3FF == 0, terun_is_killed(L) != 0 {
      throw EncodeFailure(reason: "a value: the run was stopped")
    }
    if output.capacity > charged {
      let grown = output.capacity - charged
      charged = output.capacity
      if terun_host_charge(L, grown) == 0 { throw EncodeFailure(reason: "a value: memory limit reached") }
    }
  }

  mutating func encodeValue(at index: Int32, depth: Int) throws(EncodeFailure) {
    try chargeOutput()
    switch lua_type(L, index) {
    case LUA_TNIL:
      append("null")
    case LUA_TBOOLEAN:
      if lua_toboolean(L, index) != 0 { append("true") } else { append("false") }
    case LUA_TNUMBER:
      try encodeNumber(at: index)
    case LUA_TSTRING:
      var length = 0
      let bytes = lua_tolstring(L, index, &length)!
      try encodeString(UnsafeRawPointer(bytes).assumingMemoryBound(to: UInt8.self), count: length)
    case LUA_TTABLE:
      try encodeTable(at: index, depth: depth)
    case LUA_TLIGHTUSERDATA where lua_touserdata(L, index) == LuaJSON.null:
      append("null")
    default:
      throw EncodeFailure(reason: String(cString: lua_typename(L, lua_type(L, index))))
    }
  }

  mutating func encodeNumber(at index: Int32) throws(EncodeFailure) {
    if lua_isinteger(L, index) != 0 {
      appendDecimal(lua_tointegerx(L, index, nil))
      return
    }
    let value = lua_tonumberx(L, index, nil)
    if value.isNaN { throw EncodeFailure(reason: "NaN") }
    if value.isInfinite { throw EncodeFailure(reason: value < 0 ? "-inf" : "inf") }
    // Swift's description is the shortest text that reads back as the same double, and always
    // has a '.' or an exponent ("3.0", "1e+20", "5e-324"), so the value stays a float.
    output.append(contentsOf: value.description.utf8)
  }

  mutating func appendDecimal(_ value: Int64) {
    output.append(contentsOf: String(value).utf8)
  }

  mutating func encodeString(_ bytes: UnsafePointer<UInt8>, count: Int) throws(EncodeFailure) {
    output.append(0x22)
    let hexDigits: StaticString = "0123456789abcdef"
    var runStart = 0
    var i = 0
    while i < count {
      let c = bytes[i]
      if c >= 0x20 && c != 0x22 && c != 0x5C && c < 0x80 {
        i += 1
        continue
      }
      if c >= 0x80 {
        guard let length = UTF8Sequence.validLength(bytes + i, available: count - i) else {
          throw EncodeFailure(reason: "string with invalid UTF-8 (byte \(i))")
        }
        i += length
        continue
      }
      output.append(contentsOf: UnsafeBufferPointer(start: bytes + runStart, count: i - runStart))
      switch c {
      case 0x22: append("\\\"")
      case 0x5C: append("\\\\")
      case 0x08: append("\\b")
      case 0x0C: append("\\f")
      case 0x0A: append("\\n")
      case 0x0D: append("\\r")
      case 0x09: append("\\t")
      default:
        append("\\u00")
        output.append(hexDigits.utf8Start[Int(c >> 4)])
        output.append(hexDigits.utf8Start[Int(c & 0xF)])
      }
      i += 1
      runStart = i
    }
    output.append(contentsOf: UnsafeBufferPointer(start: bytes + runStart, count: count - runStart))
    output.append(0x22)
  }

  // MARK: Tables

  mutating func encodeTable(at index: Int32, depth: Int) throws(EncodeFailure) {
    let identity = lua_topointer(L, index)!
    if openTables.contains(identity) { throw EncodeFailure(reason: "a cycle (a table that contains itself)") }
    if depth >= maxDepth { throw EncodeFailure(reason: "tables nested deeper than \(maxDepth) levels") }
    guard lua_checkstack(L, 6) != 0 else { throw EncodeFailure(reason: "a table: Lua stack exhausted") }
    openTables.append(identity)
    defer { openTables.removeLast() }

    var kind = TableKind.unmarked
    if lua_getmetatable(L, index) != 0 {
      if lua_rawequal(L, -1, arrayMetatable) != 0 {
        kind = .array
      } else if lua_rawequal(L, -1, objectMetatable) != 0 {
        kind = .object
      }
      lua_settop(L, -2)
    }
    let length = Int64(lua_rawlen(L, index))
    if kind == .object {
      try encodeObject(at: index, depth: depth)
      return
    }
    // Count the keys: an array must have exactly the keys 1..#t (a marked one may have holes).
    var keys: Int64 = 0
    var onlySequenceKeys = true
    lua_pushnil(L)
    while lua_next(L, index) != 0 {
      keys += 1
      if onlySequenceKeys {
        if lua_type(L, -2) == LUA_TNUMBER && lua_isinteger(L, -2) != 0 {
          let key = lua_tointegerx(L, -2, nil)
          if key < 1 || key > length { onlySequenceKeys = false }
        } else {
          onlySequenceKeys = false
        }
      }
      if kind == .array && !onlySequenceKeys {
        let description = keyDescription(at: -2)
        lua_settop(L, -3)
        throw EncodeFailure(reason: "array marked by te.json.array with the non-index key \(description)")
      }
      lua_settop(L, -2)
    }
    if kind == .array || (onlySequenceKeys && keys == length && length > 0) {
      try encodeArray(at: index, length: length, depth: depth)
    } else {
      try encodeObject(at: index, depth: depth)
    }
  }

  func keyDescription(at index: Int32) -> String {
    switch lua_type(L, index) {
    case LUA_TSTRING:
      var length = 0
      let bytes = lua_tolstring(L, index, &length)!
      let text = String(decoding: UnsafeRawBufferPointer(start: bytes, count: length), as: UTF8.self)
      return "\"\(text)\""
    case LUA_TNUMBER where lua_isinteger(L, index) != 0:
      return String(lua_tointegerx(L, index, nil))
    case LUA_TNUMBER:
      return lua_tonumberx(L, index, nil).description
    default:
      return "of type " + String(cString: lua_typename(L, lua_type(L, index)))
    }
  }

  mutating func encodeArray(at index: Int32, length: Int64, depth: Int) throws(EncodeFailure) {
    output.append(0x5B)
    if length == 0 {
      output.append(0x5D)
      return
    }
    var i: Int64 = 1
    while i <= length {
      if i > 1 { output.append(0x2C) }
      if pretty { newline(depth: depth + 1) }
      lua_rawgeti(L, index, i)
      do {
        try encodeValue(at: lua_gettop(L), depth: depth + 1)
      } catch {
        var failure = error
        failure.reversedPath.append("[\(i)]")
        throw failure
      }
      lua_settop(L, -2)
      i += 1
    }
    if pretty { newline(depth: depth) }
    output.append(0x5D)
  }

  mutating func encodeObject(at index: Int32, depth: Int) throws(EncodeFailure) {
    var keys: [ObjectKey] = []
    lua_pushnil(L)
    while lua_next(L, index) != 0 {
      let key: ObjectKey
      switch lua_type(L, -2) {
      case LUA_TSTRING:
        var length = 0
        let bytes = lua_tolstring(L, -2, &length)!
        key = ObjectKey(
          text: UnsafeRawBufferPointer(start: bytes, count: length), integer: nil)
      case LUA_TNUMBER where lua_isinteger(L, -2) != 0:
        key = ObjectKey(text: nil, integer: lua_tointegerx(L, -2, nil))
      default:
        let description = keyDescription(at: -2)
        lua_settop(L, -3)
        throw EncodeFailure(reason: "a table key \(description) (keys must be strings or integers)")
      }
      lua_settop(L, -2)
      if sortsKeys {
        keys.append(key)
      } else {
        // Table order: the key stays on the stack for lua_next; the member fetches its value.
        try encodeMember(key, of: index, first: keys.isEmpty, depth: depth, opensBrace: true)
        keys.append(key)
      }
    }
    if !sortsKeys {
      if keys.isEmpty {
        output.append(0x7B)
      } else if pretty {
        newline(depth: depth)
      }
      output.append(0x7D)
      return
    }
    output.append(0x7B)
    if keys.isEmpty {
      output.append(0x7D)
      return
    }
    keys.sort { $0.sortText.lexicographicallyPrecedes($1.sortText) }
    for position in keys.indices {
      if position > 0 && keys[position].sortText.elementsEqual(keys[position - 1].sortText) {
        throw EncodeFailure(
          reason: "a table with both the integer key and the string key \"\(keys[position].name)\"")
      }
      try encodeMember(keys[position], of: index, first: position == 0, depth: depth, opensBrace: false)
    }
    if pretty { newline(depth: depth) }
    output.append(0x7D)
  }

  /// Writes `"key": value` for one member (and the `{` before it when `opensBrace` and `first`).
  mutating func encodeMember(_ key: ObjectKey, of index: Int32, first: Bool, depth: Int, opensBrace: Bool)
    throws(EncodeFailure)
  {
    if first && opensBrace { output.append(0x7B) }
    if !first { output.append(0x2C) }
    if pretty { newline(depth: depth + 1) }
    if let integer = key.integer {
      output.append(0x22)
      appendDecimal(integer)
      output.append(0x22)
      lua_rawgeti(L, index, integer)
    } else {
      let text = key.text!
      do {
        try encodeString(text.baseAddress!.assumingMemoryBound(to: UInt8.self), count: text.count)
      } catch {
        var failure = error
        failure.reversedPath.append(key.pathComponent)
        throw failure
      }
      lua_pushlstring(L, text.baseAddress!.assumingMemoryBound(to: CChar.self), text.count)
      lua_rawget(L, index)
    }
    output.append(0x3A)
    if pretty { output.append(0x20) }
    do {
      try encodeValue(at: lua_gettop(L), depth: depth + 1)
    } catch {
      var failure = error
      failure.reversedPath.append(key.pathComponent)
      throw failure
    }
    lua_settop(L, -2)
  }
}

private enum TableKind {
  case unmarked
  case array
  case object
}

/// An object key: the bytes of a string key (alive as long as the table holds the key) or an
/// integer key.
private struct ObjectKey {
  let text: UnsafeRawBufferPointer?
  let integer: Int64?

  /// The key as it appears in JSON, for sorting.
  var sortText: [UInt8] {
    if let integer { return Array(String(integer).utf8) }
    return Array(text!)
  }

  var name: String { String(decoding: sortText, as: UTF8.self) }

  /// `.name` for identifier-like keys, `["key"]` otherwise.
  var pathComponent: String {
    let bytes = sortText
    let isIdentifier =
      !bytes.isEmpty
      && bytes.allSatisfy {
        ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || $0 == 0x5F || ($0 >= 0x30 && $0 <= 0x39)
      }
      && !(bytes[0] >= 0x30 && bytes[0] <= 0x39)
    if isIdentifier { return "." + name }
    return "[\"\(name)\"]"
  }
}
