import CLuaBridge

/// A registry reference to a Lua value that cannot be copied into Swift (a function,
/// userdata, a thread). The reference is released when this object is deinitialized.
///
/// Like `LuaState`, it must only be used (and dropped) on the thread that uses its state.
public final class LuaReference: Hashable, @unchecked Sendable {
  /// The registry slot (`luaL_ref`).
  public let ref: Int32
  /// The Lua type name of the referenced value.
  public let typeName: String
  private weak var owner: LuaStateCore?
  var ownerCore: LuaStateCore? { owner }

  init(ref: Int32, typeName: String, owner: LuaStateCore) {
    self.ref = ref
    self.typeName = typeName
    self.owner = owner
  }

  deinit {
    if let owner, let L = owner.L {
      luaL_unref(L, terun_registryindex(), ref)
    }
  }

  /// Pushes the referenced value onto `L`'s stack (any thread of the same state).
  func push(_ L: OpaquePointer) {
    lua_rawgeti(L, terun_registryindex(), lua_Integer(ref))
  }

  public static func == (lhs: LuaReference, rhs: LuaReference) -> Bool { lhs === rhs }
  public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// The part of a state that references need: the raw pointer, cleared on close.
final class LuaStateCore {
  var L: OpaquePointer?
  init(_ L: OpaquePointer) { self.L = L }
}
