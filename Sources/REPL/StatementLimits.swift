/// Limits that apply to each statement of a REPL session separately (the memory cap applies to
/// the whole session's state).
public struct StatementLimits: Sendable, Equatable {
  /// Lua VM instructions one statement may run, or nil for no budget.
  public var maxInstructions: Int64?
  /// Wall-clock seconds one statement may run, or nil for no limit.
  public var timeout: Double?

  /// Makes limits.
  public init(maxInstructions: Int64? = nil, timeout: Double? = nil) {
    self.maxInstructions = maxInstructions
    self.timeout = timeout
  }
}
