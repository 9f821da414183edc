import LuaHost

extension CommandFailure {
  /// The failure for a `LuaError` that ended a run: script errors are runbook errors (exit 1)
  /// with file:line and traceback; limits and sandbox violations are exit 3, each with its own
  /// message naming the option that set the limit. An uncaught API error with status 401 or
  /// 403 is exit 4.
  public init(_ error: LuaError, limits: RunLimits) {
    switch error.kind {
    case .runtime where error.isTEMissingToken:
      // No token: one sentence, never an internal frame.
      self.init(.auth, error.message)
    case .runtime where error.isTEAuthorizationFailure:
      // An uncaught API error with status 401 or 403: the token or its permissions.
      self.init(.auth, error.description)
    case .runtime, .syntax:
      self.init(.runbookError, error.description)
    case .instructionLimit:
      let budget = limits.maxInstructions.map(String.init) ?? "?"
      self.init(.limitOrSandbox, "instruction limit exceeded (--max-instructions \(budget))")
    case .memoryLimit:
      self.init(.limitOrSandbox, "memory limit exceeded (--max-memory \(limits.maxMemory.spelling))")
    case .timeout:
      var spelling = limits.timeout?.spelling ?? "?"
      if Double(spelling) != nil { spelling += "s" }  // "--timeout 2" means seconds
      self.init(.limitOrSandbox, "timeout after \(spelling) (--timeout)")
    case .sandboxViolation:
      var message = error.message
      if !message.hasPrefix("sandbox: ") { message = "sandbox: " + message }
      self.init(.limitOrSandbox, message)
    }
  }
}
