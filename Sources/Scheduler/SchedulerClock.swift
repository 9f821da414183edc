import Foundation

/// The daemon's source of time, injectable so tests can advance it by hand.
public protocol SchedulerClock: Sendable {
  /// The current time.
  func now() -> Date
  /// Suspends until `deadline`; throws `CancellationError` when the task is cancelled.
  func sleep(until deadline: Date) async throws
}

/// The wall clock. Sleeps in slices of at most a minute so a clock change is noticed.
public struct SystemClock: SchedulerClock {
  public init() {}

  public func now() -> Date { Date() }

  public func sleep(until deadline: Date) async throws {
    while true {
      let remaining = deadline.timeIntervalSinceNow
      if remaining <= 0 { return }
      try await Task.sleep(for: .milliseconds(Int64(min(remaining, 60) * 1000) + 1))
    }
  }
}

/// A clock that moves only when told to: `advance(to:)` wakes every sleeper whose deadline passed.
public final class ManualClock: SchedulerClock, @unchecked Sendable {
  private struct Sleeper {
    var deadline: Date
    var continuation: CheckedContinuation<Void, any Error>
  }

  private let lock = NSLock()
  private var current: Date
  private var sleepers: [UUID: Sleeper] = [:]
  private var cancelled: Set<UUID> = []

  /// A clock showing `start`.
  public init(start: Date) { current = start }

  public func now() -> Date { lock.withLock { current } }

  /// How many tasks are sleeping on this clock.
  public var sleeperCount: Int { lock.withLock { sleepers.count } }

  /// The earliest deadline a sleeper waits for.
  public var nextDeadline: Date? { lock.withLock { sleepers.values.map(\.deadline).min() } }

  /// Sets the time to `date` (never backwards) and wakes the sleepers it reaches.
  public func advance(to date: Date) {
    let woken: [Sleeper] = lock.withLock {
      if date > current { current = date }
      let due = sleepers.filter { $0.value.deadline <= current }
      for id in due.keys { sleepers.removeValue(forKey: id) }
      return Array(due.values)
    }
    for sleeper in woken { sleeper.continuation.resume() }
  }

  /// Moves the time forward by `interval` seconds.
  public func advance(by interval: TimeInterval) { advance(to: now().addingTimeInterval(interval)) }

  public func sleep(until deadline: Date) async throws {
    let id = UUID()
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        let outcome: Result<Void, any Error>? = lock.withLock {
          if cancelled.remove(id) != nil { return .failure(CancellationError()) }
          if deadline <= current { return .success(()) }
          sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
          return nil
        }
        if let outcome { continuation.resume(with: outcome) }
      }
    } onCancel: {
      let sleeper: Sleeper? = lock.withLock {
        if let sleeper = sleepers.removeValue(forKey: id) { return sleeper }
        cancelled.insert(id)
        return nil
      }
      sleeper?.continuation.resume(throwing: CancellationError())
    }
  }
}
