/// A ThousandEyes bearer token.
///
/// The value cannot be read outside this module, and every textual form of the token is
/// redacted, so it cannot leak into output, logs, audit files or errors by accident
/// (docs/architecture.md, rule 4).
public struct APIToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
  let secret: String

  /// Wraps a token value.
  public init(_ secret: String) {
    self.secret = secret
  }

  /// Always `<redacted>`.
  public var description: String { "<redacted>" }
  /// Always `APIToken(<redacted>)`.
  public var debugDescription: String { "APIToken(<redacted>)" }
}
