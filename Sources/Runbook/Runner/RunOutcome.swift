import Foundation
import LuaHost

/// What a finished run reported beyond its output: the items it counted as failed
/// (`te.fail_count`) and the files it wrote.
public struct RunOutcome: Sendable, Equatable {
  /// The items the runbook reported as failed with `te.fail_count`.
  public var failedItems: Int64 = 0
  /// The files the run wrote (paths relative to `--out-dir`, in the order they were written).
  public var filesWritten: [String] = []

  /// Creates an outcome.
  public init(failedItems: Int64 = 0, filesWritten: [String] = []) {
    self.failedItems = failedItems
    self.filesWritten = filesWritten
  }

  /// The failure of a run that finished but reported failed items: exit 1, printed after the
  /// runbook's own summary. Nil when no item failed.
  public var failure: CommandFailure? {
    guard failedItems > 0 else { return nil }
    let items = failedItems == 1 ? "1 item" : "\(failedItems) items"
    return CommandFailure(
      .runbookError, "\(items) failed (see the lines above); fix them and run again")
  }

  /// Throws ``failure``, if any.
  public func check() throws {
    if let failure { throw failure }
  }
}

/// The run's tally behind `te.fail_count` and the files list; lives on the run's thread.
final class RunTally {
  var failedItems: Int64 = 0
  var filesWritten: [String] = []

  var outcome: RunOutcome { RunOutcome(failedItems: failedItems, filesWritten: filesWritten) }

  func wrote(_ path: String) {
    if !filesWritten.contains(path) { filesWritten.append(path) }
  }
}

extension RunbookRunner {
  /// Installs the ways a runbook ends on purpose:
  ///
  /// - `te.fail(message)`: stops the run; prints the message alone and exits 1.
  /// - `te.usage_error(param, message)`: stops the run as a usage error (exit 2) naming the
  ///   parameter, for checks of values only the runbook can make.
  /// - `te.fail_count(n)`: adds `n` items to the run's failed items and returns the total
  ///   (`te.fail_count()` only returns it). A run that ends normally with failed items exits 1
  ///   after its own summary, dry runs included.
  func installOutcome(into module: TEModule, tally: RunTally) {
    module.setFunction("fail") { call in
      let message = try Self.message(call, index: 1, function: "te.fail")
      throw LuaErrorValue(message: message, fields: ["kind": .text(UserErrorKind.fail.rawValue)])
    }
    module.setFunction("usage_error") { call in
      let parameter = try call.string(1)
      let message = try Self.message(call, index: 2, function: "te.usage_error")
      throw LuaErrorValue(
        message: "parameter \(parameter): \(message)",
        fields: ["kind": .text(UserErrorKind.usage.rawValue), "param": .text(parameter)])
    }
    module.setFunction("fail_count") { call in
      if !call.isNilOrMissing(1) {
        let count = try call.integer(1)
        guard count >= 0 else {
          throw LuaScriptError(
            "bad argument #1 to 'te.fail_count' (a count of 0 or more expected, got \(count))")
        }
        tally.failedItems += count
      }
      try call.push(.integer(tally.failedItems))
      return 1
    }
  }

  private static func message(_ call: LuaCallContext, index: Int32, function: String) throws -> String {
    guard call.argumentType(index) == .string else {
      throw call.argumentError(index, expected: "string")
    }
    return try call.string(index)
  }
}

/// The `kind` of the error tables that end a run on purpose.
enum UserErrorKind: String {
  /// `te.fail(message)`: exit 1, the message alone.
  case fail
  /// `te.usage_error(param, message)`: exit 2.
  case usage
}
