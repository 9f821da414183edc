import Foundation

/// Runs `body` on a thread of its own and waits for it without holding a Swift concurrency
/// thread. A REPL statement blocks its calling thread on `te` calls while the request runs on
/// Swift concurrency (as `terun repl` runs the session on a thread of its own); a test's own
/// thread belongs to the concurrency pool, which has as few threads as the machine has cores.
/// An expectation inside `body` is not recorded against the test: return what to check.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    Thread { continuation.resume(with: Result { try body() }) }.start()
  }
}
