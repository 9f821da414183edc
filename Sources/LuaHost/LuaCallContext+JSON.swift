extension LuaCallContext {
  /// Argument `index` encoded as JSON (see ``LuaJSON/encode(_:at:options:)``).
  public func encodeJSON(_ index: Int32, options: LuaJSON.EncodeOptions = LuaJSON.EncodeOptions())
    throws(LuaJSONError) -> [UInt8]
  {
    try LuaJSON.encode(L, at: index, options: options)
  }

  /// Decodes `bytes` and pushes the value as a result (see ``LuaJSON/decode(_:into:options:)``).
  public func pushJSON(_ bytes: [UInt8], options: LuaJSON.DecodeOptions = LuaJSON.DecodeOptions())
    throws(LuaJSONError)
  {
    try LuaJSON.decode(bytes, into: L, options: options)
  }
}
