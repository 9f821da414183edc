import CLua
import JSONScan

/// JSON <-> Lua values, straight between bytes and the Lua stack.
///
/// Rules (docs/architecture.md, rules 2 and 3):
/// - A JSON number without fraction or exponent that fits Int64 becomes a Lua integer; every other
///   number becomes a float. `-0` becomes the float `-0.0` (a Lua integer has no negative zero).
/// - Decoded arrays and objects carry one of two shared metatables (see ``arrayMetatableName`` and
///   ``objectMetatableName``), so encoding them again keeps their kind, empty ones included.
/// - `null` inside an array (and a top-level `null`) becomes the single ``null`` sentinel, a light
///   userdata that the encoder maps back to `null`. `null` as an object member leaves the key absent,
///   unless ``DecodeOptions/keepsNullMembers`` is set.
/// - Strings must be valid UTF-8: the decoder rejects invalid UTF-8 and lone surrogate escapes
///   (`\uD800` without its pair) with the byte offset; the encoder refuses Lua strings that are not
///   valid UTF-8, naming their path.
public enum LuaJSON {
  /// Registry name of the metatable shared by every table that encodes as a JSON array.
  public static let arrayMetatableName = "te.json.array"
  /// Registry name of the metatable shared by every table that encodes as a JSON object.
  public static let objectMetatableName = "te.json.object"

  /// The address of the `te.json.null` light userdata: one shared value for the whole process.
  public static var null: UnsafeMutableRawPointer { NullSentinel.address }

  /// The default limit on nested arrays and objects, for decoding and encoding (JSONScan's).
  public static let defaultMaxDepth = JSONScanner.defaultMaxDepth

  /// Options for ``decode(_:into:options:)``.
  public struct DecodeOptions: Sendable {
    /// The deepest nesting of arrays and objects accepted; deeper input is an error.
    public var maxDepth: Int
    /// When true, an object member whose value is `null` is kept as the ``LuaJSON/null`` sentinel
    /// instead of being left out.
    public var keepsNullMembers: Bool
    /// When set, the items of the projection's collection array are decoded with only the
    /// projection's fields (see ``JSONProjection``).
    public var projection: JSONProjection?

    /// Creates decoding options.
    public init(
      maxDepth: Int = LuaJSON.defaultMaxDepth, keepsNullMembers: Bool = false,
      projection: JSONProjection? = nil
    ) {
      self.maxDepth = maxDepth
      self.keepsNullMembers = keepsNullMembers
      self.projection = projection
    }
  }

  /// Options for ``encode(_:at:options:)``.
  public struct EncodeOptions: Sendable {
    /// Two-space indentation, one member or element per line, `": "` after keys.
    public var pretty: Bool
    /// Object keys in byte order (the default), so that output is deterministic. When false, keys
    /// come in Lua's table order and an integer key colliding with a string key (`1` and `"1"`)
    /// is not detected.
    public var sortsKeys: Bool
    /// The deepest nesting of tables accepted.
    public var maxDepth: Int

    /// Creates encoding options.
    public init(pretty: Bool = false, sortsKeys: Bool = true, maxDepth: Int = LuaJSON.defaultMaxDepth) {
      self.pretty = pretty
      self.sortsKeys = sortsKeys
      self.maxDepth = maxDepth
    }
  }
}

/// An error from decoding or encoding JSON. Its description is the message shown to users.
public struct LuaJSONError: Error, Equatable, CustomStringConvertible, Sendable {
  /// The full message, e.g. `invalid JSON at byte 17: expected ':'`.
  public let message: String
  /// For decoding errors, the zero-based byte offset in the input; nil for encoding errors.
  public let offset: Int?

  /// Creates an error with its message and optional byte offset.
  public init(message: String, offset: Int? = nil) {
    self.message = message
    self.offset = offset
  }

  public var description: String { message }
}

/// The unique address behind `te.json.null`.
private enum NullSentinel {
  nonisolated(unsafe) static let address = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
}

/// `LUA_REGISTRYINDEX`, a macro that Swift does not import (`-LUAI_MAXSTACK - 1000`).
let luaRegistryIndex: Int32 = -1_000_000 - 1000

extension LuaJSON {
  /// Pushes the shared array metatable, creating it on first use.
  public static func pushArrayMetatable(_ L: OpaquePointer) {
    pushMetatable(L, named: arrayMetatableName)
  }

  /// Pushes the shared object metatable, creating it on first use.
  public static func pushObjectMetatable(_ L: OpaquePointer) {
    pushMetatable(L, named: objectMetatableName)
  }

  /// Pushes the `te.json.null` sentinel.
  public static func pushNull(_ L: OpaquePointer) {
    lua_pushlightuserdata(L, null)
  }

  /// True when the value at `index` is the `te.json.null` sentinel.
  public static func isNull(_ L: OpaquePointer, at index: Int32) -> Bool {
    lua_type(L, index) == LUA_TLIGHTUSERDATA && lua_touserdata(L, index) == null
  }

  /// Pushes the metatable registered under `name`; creates it (with `__name` and a protecting
  /// `__metatable` field, so that scripts can neither read nor replace it) when missing.
  private static func pushMetatable(_ L: OpaquePointer, named name: String) {
    if lua_getfield(L, luaRegistryIndex, name) == LUA_TTABLE { return }
    lua_settop(L, -2)
    lua_createtable(L, 0, 2)
    lua_pushstring(L, name)
    lua_setfield(L, -2, "__name")
    lua_pushstring(L, name)
    lua_setfield(L, -2, "__metatable")
    lua_pushvalue(L, -1)
    lua_setfield(L, luaRegistryIndex, name)
  }
}
