import Foundation
import ThousandEyes

/// The requests of `te.parallel` that are in flight: each a Swift task over the async client,
/// known by a handle, belonging to the group of one `te.parallel` call. The Lua thread starts
/// them, blocks in ``waitAny(group:stop:)`` until one of a group completes, then takes its
/// result. Thread-safe: tasks complete on Swift concurrency threads.
final class InFlightRequests: @unchecked Sendable {
  /// A started request.
  struct Pending {
    let group: Int
    let request: APIRequest
    /// Host memory charged for its body while it lasts.
    let charged: Int
    let task: Task<Void, Never>
  }

  private let condition = NSCondition()
  private var pending: [Int: Pending] = [:]
  private var completed: [Int: Result<[UInt8], Error>] = [:]
  /// Completed handles, in completion order.
  private var order: [Int] = []
  private var lastHandle = 0
  private var lastGroup = 0

  /// A new group id, for one `te.parallel` call.
  func newGroup() -> Int {
    condition.lock()
    defer { condition.unlock() }
    lastGroup += 1
    return lastGroup
  }

  /// Starts `work` for `group`; returns its handle.
  func start(
    group: Int, request: APIRequest, charged: Int,
    _ work: @escaping @Sendable () async throws -> [UInt8]
  ) -> Int {
    condition.lock()
    defer { condition.unlock() }
    lastHandle += 1
    let handle = lastHandle
    let task = Task { [self] in
      let result: Result<[UInt8], Error>
      do {
        result = .success(try await work())
      } catch {
        result = .failure(error)
      }
      complete(handle, result)
    }
    pending[handle] = Pending(
      group: group, request: request, charged: charged, task: task)
    return handle
  }

  private func complete(_ handle: Int, _ result: Result<[UInt8], Error>) {
    condition.lock()
    defer { condition.unlock() }
    // A cancelled request's handle is gone: its outcome is dropped.
    guard pending[handle] != nil else { return }
    completed[handle] = result
    order.append(handle)
    condition.broadcast()
  }

  /// Blocks until a request of `group` has completed and returns its handle (the earliest
  /// completed first), or nil when the group has nothing in flight. Every 50 ms asks `stop`
  /// whether to give up; when it says so, throws ``Stopped``.
  func waitAny(group: Int, stop: () -> Bool) throws -> Int? {
    condition.lock()
    defer { condition.unlock() }
    while true {
      if let index = order.firstIndex(where: { pending[$0]?.group == group }) {
        return order.remove(at: index)
      }
      guard pending.values.contains(where: { $0.group == group }) else { return nil }
      _ = condition.wait(until: Date().addingTimeInterval(0.05))
      if stop() { throw Stopped() }
    }
  }

  /// Removes a completed request and returns it with its outcome; nil when `handle` is not a
  /// completed request.
  func take(_ handle: Int) -> (Pending, Result<[UInt8], Error>)? {
    condition.lock()
    defer { condition.unlock() }
    guard let result = completed.removeValue(forKey: handle), let entry = pending.removeValue(forKey: handle)
    else { return nil }
    order.removeAll { $0 == handle }
    return (entry, result)
  }

  /// Cancels the requests of `group` (every group when nil) and forgets them; returns them, so
  /// that their memory charges are released.
  @discardableResult
  func cancel(group: Int?) -> [Pending] {
    condition.lock()
    let cancelled = pending.filter { group == nil || $0.value.group == group }
    for handle in cancelled.keys {
      pending[handle] = nil
      completed[handle] = nil
    }
    order.removeAll { cancelled[$0] != nil }
    condition.unlock()
    for entry in cancelled.values { entry.task.cancel() }
    return Array(cancelled.values)
  }

  /// The wait was given up: the run is stopping.
  struct Stopped: Error {}
}
