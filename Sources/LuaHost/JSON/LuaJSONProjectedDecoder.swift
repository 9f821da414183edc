import CLua
import CLuaBridge
import JSONScan

/// Decoding with a ``JSONProjection``: the page object whole, its collection's items reduced to
/// the projected members, everything else skipped (JSONScan) without touching Lua.
extension JSONStackDecoder {
  /// Decodes the top-level object at the input's position (depth 1); the collection member's
  /// array is projected.
  mutating func decodeProjectedPage(_ projection: JSONProjection) throws(JSONScanError) {
    let collectionKey = Array(projection.collectionKey.utf8)
    guard try beginContainer(depth: 1, array: false, slots: 4) else { return }
    while true {
      try input.expectKey()
      try decodeString()
      var length = 0
      let key = lua_tolstring(L, -1, &length)!
      let isCollection =
        length == collectionKey.count
        && collectionKey.withUnsafeBufferPointer { memoryEqual($0.baseAddress!, key, length) }
      try input.expectColon()
      let kept: Bool
      if isCollection && input.at(JSONByte.openBracket) {
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
      if try input.endOfMember(closing: JSONByte.closeBrace) { return }
    }
  }

  /// The collection array: object elements are projected, other elements decoded whole.
  mutating func decodeProjectedArray(depth: Int, node: JSONProjection.Node) throws(JSONScanError) {
    guard try beginContainer(depth: depth, array: true, slots: shapeHint(array: true, depth: depth)) else {
      return
    }
    var index: lua_Integer = 1
    defer { noteShape(array: true, depth: depth, count: Int(index - 1)) }
    while true {
      if input.at(JSONByte.openBrace) {
        try decodeProjectedObject(depth: depth + 1, node: node)
      } else {
        _ = try decodeValue(depth: depth, inObject: false)
      }
      lua_rawseti(L, -2, index)
      index &+= 1
      if try input.endOfMember(closing: JSONByte.closeBracket) { return }
    }
  }

  /// An object of which only `node`'s members are built; the others are skipped.
  mutating func decodeProjectedObject(depth: Int, node: JSONProjection.Node) throws(JSONScanError) {
    guard try beginContainer(depth: depth, array: false, slots: Int32(node.count)) else { return }
    while true {
      try input.expectKey()
      let member = try projectedKey(node)
      try input.expectColon()
      if member >= 0 {
        let kept: Bool
        if input.at(JSONByte.openBrace), let child = node.children[member] {
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
        try input.skipValue(depth: depth)
      }
      if try input.endOfMember(closing: JSONByte.closeBrace) { return }
    }
  }

  /// The collection as one flat array of the items' field values (``JSONProjection/Shape/values``):
  /// item `i`'s field `f` at `(i - 1) * width + f`, the item count under `n`. Elements that are
  /// not objects leave their slots empty.
  mutating func decodeFlatArray(depth: Int, node: JSONProjection.Node, width: Int) throws(JSONScanError) {
    try enterContainer(depth: depth)
    let hasElements = try input.openContainer(depth: depth)
    lua_createtable(L, hasElements ? shapeHint(array: true, depth: depth) : 0, 1)
    let table = lua_gettop(L)
    var items = 0
    if hasElements {
      defer { noteShape(array: true, depth: depth, count: items * width) }
      while true {
        if input.at(JSONByte.openBrace) {
          try decodeFlatObject(depth: depth + 1, node: node, table: table, base: items * width)
        } else {
          try input.skipValue(depth: depth)
        }
        items += 1
        if items & 0x3FF == 0 { try checkNotKilled() }
        if try input.endOfMember(closing: JSONByte.closeBracket) { break }
      }
    }
    lua_pushinteger(L, lua_Integer(items))
    lua_setfield(L, table, "n")
  }

  /// One item as values: each kept member's value goes to slot `base + slot + 1` of the flat
  /// array at stack index `table`; nothing else is built.
  mutating func decodeFlatObject(depth: Int, node: JSONProjection.Node, table: Int32, base: Int)
    throws(JSONScanError)
  {
    guard try input.openContainer(depth: depth) else { return }
    while true {
      try input.expectKey()
      let member = try projectedKey(node, pushingKey: false)
      try input.expectColon()
      if member < 0 {
        try input.skipValue(depth: depth)
      } else if let child = node.children[member] {
        if input.at(JSONByte.openBrace) {
          try decodeFlatObject(depth: depth + 1, node: child, table: table, base: base)
        } else {
          try input.skipValue(depth: depth)  // not an object: the fields inside it stay empty
        }
      } else if try decodeValue(depth: depth, inObject: true) {
        lua_rawseti(L, table, lua_Integer(base + node.slots[member] + 1))
      }
      if try input.endOfMember(closing: JSONByte.closeBrace) { return }
    }
  }

  /// Reads the key at the input's position (its opening quote). When `node` keeps it, returns
  /// the member's index and, with `pushingKey`, pushes the key; otherwise pushes nothing and
  /// returns -1. The input ends after the closing quote.
  mutating func projectedKey(_ node: JSONProjection.Node, pushingKey: Bool = true) throws(JSONScanError)
    -> Int
  {
    // Not checked as UTF-8: a key is kept only when it equals one of the projection's (valid) keys.
    let key = try input.scanString(validatesUTF8: false)
    if key.hasEscapes {
      // Rare: a key with escapes is decoded, then compared.
      reserveScratch(key.count)
      let count = JSONScanner.unescape(key, into: scratch!)
      let member = node.index(of: scratch!, length: count)
      if member >= 0 && pushingKey {
        lua_pushlstring(L, UnsafeRawPointer(scratch!).assumingMemoryBound(to: CChar.self), count)
      }
      return member
    }
    let member = node.index(of: key.content, length: key.count)
    if member >= 0 && pushingKey {
      lua_pushlstring(L, UnsafeRawPointer(key.content).assumingMemoryBound(to: CChar.self), key.count)
    }
    return member
  }
}

@inline(__always)
private func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<CChar>, _ count: Int) -> Bool {
  var i = 0
  let b = UnsafeRawPointer(b).assumingMemoryBound(to: UInt8.self)
  while i < count && a[i] == b[i] { i += 1 }
  return i == count
}
