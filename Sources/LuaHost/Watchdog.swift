import Foundation

/// A thread that flips a kill switch after a wall-clock delay unless cancelled first.
/// After `cancel()` returns, the watchdog never touches the switch again.
final class Watchdog: @unchecked Sendable {
  private let condition = NSCondition()
  private var cancelled = false

  init(seconds: Double, killSwitch: LuaKillSwitch) {
    let deadline = Date(timeIntervalSinceNow: seconds)
    let thread = Thread { [self] in
      condition.lock()
      defer { condition.unlock() }
      while !cancelled {
        if !condition.wait(until: deadline) {
          if !cancelled { killSwitch.kill(.timeout) }
          return
        }
      }
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
