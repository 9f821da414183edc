/// Why JSON text could not be scanned, and where.
public struct JSONScanError: Error, Equatable, Sendable, CustomStringConvertible {
  /// What was wrong, e.g. `expected ':', found '}'`.
  public var reason: String
  /// The zero-based byte offset in the input.
  public var offset: Int

  /// Creates an error with its reason and byte offset.
  public init(reason: String, offset: Int) {
    self.reason = reason
    self.offset = offset
  }

  public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}
