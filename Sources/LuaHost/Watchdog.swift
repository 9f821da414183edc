import Foundation

/// A thread that flips a kill switch after a wall-clock delay unless cancelled first, and,
/// with a backstop, calls the backstop's handler when a stopped run has not ended within the
/// grace period. After `cancel()` returns, the watchdog never touches the switch or calls the
/// handler again.
///
/// The backstop does not depend on the count hook: Lua code that runs with hooks off, or a
/// long C call, cannot delay it. It sees every kill (timeout, instructions, memory, sandbox),
/// however it was set, by polling the switch, and acts only while the host is still inside
/// its protected call into Lua (a killed state merely kept alive is not stuck).
final class Watchdog: @unchecked Sendable {
  /// What to do when a stopped run does not end.
  struct Backstop {
    /// Seconds a stopped run may take to end.
    var grace: Double
    /// Called once, on the watchdog's thread, with the kind of the kill.
    var handler: @Sendable (LuaError.Kind) -> Void
  }

  private let condition = NSCondition()
  private var cancelled = false
  /// How often the backstop looks at the kill switch.
  private static let pollInterval = 0.05

  init(deadline: Date?, killSwitch: LuaKillSwitch, backstop: Backstop?) {
    let thread = Thread { [self] in
      condition.lock()
      var pendingDeadline = deadline
      var stoppedAt: Date?
      var stuck: (Backstop, LuaError.Kind)?
      while !cancelled {
        let now = Date()
        if let due = pendingDeadline, now >= due {
          killSwitch.kill(.timeout)
          pendingDeadline = nil
        }
        guard let backstop else {
          guard let due = pendingDeadline else { break }
          _ = condition.wait(until: due)
          continue
        }
        // Stopped and still running Lua: a state killed but only kept alive is not stuck.
        if killSwitch.reason != nil, killSwitch.isRunning {
          if stoppedAt == nil { stoppedAt = now }
        } else {
          stoppedAt = nil
        }
        if let stoppedAt, let kind = killSwitch.reason, now.timeIntervalSince(stoppedAt) >= backstop.grace {
          stuck = (backstop, kind)
          break
        }
        var wake = now.addingTimeInterval(Self.pollInterval)
        if let due = pendingDeadline, due < wake { wake = due }
        _ = condition.wait(until: wake)
      }
      condition.unlock()
      if let (backstop, kind) = stuck { backstop.handler(kind) }
    }
    thread.name = "terun-watchdog"
    thread.start()
  }

  /// Stops the watchdog; it will not fire afterwards.
  func cancel() {
    condition.lock()
    cancelled = true
    condition.signal()
    condition.unlock()
  }
}
