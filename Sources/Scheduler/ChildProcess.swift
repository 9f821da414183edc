import AtomicFile
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// How a child process ended.
public enum ChildOutcome: Sendable, Equatable {
  /// It exited with this code.
  case exited(Int32)
  /// It was killed by this signal, not by us.
  case signaled(Int32)
  /// We killed it: its timeout passed.
  case timedOut
  /// We killed it: the daemon was stopping and the grace period ran out.
  case interrupted
  /// It could not be started.
  case launchFailed(String)
}

/// A child process whose stdout and stderr go to a log file, with a timeout that sends SIGTERM
/// and, `killGrace` later, SIGKILL.
public final class ChildProcess: @unchecked Sendable {
  private enum KillReason {
    case timeout
    case interrupt
  }

  private let process = Process()
  private let lock = NSLock()
  private var finished: ChildOutcome?
  private var waiter: CheckedContinuation<ChildOutcome, Never>?
  private var killReason: KillReason?
  private let killGrace: TimeInterval
  private var logHandle: FileHandle?

  /// Prepares `executable arguments` to run in `workingDirectory`, writing to `logPath`.
  public init(
    executable: String, arguments: [String], environment: [String: String], workingDirectory: String,
    logPath: String, killGrace: TimeInterval = 5
  ) {
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = environment
    process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory)
    self.killGrace = killGrace
    if let descriptor = try? AtomicFile.openForAppending(logPath, permissions: 0o644) {
      let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
      logHandle = handle
      process.standardOutput = handle
      process.standardError = handle
    }
    process.standardInput = FileHandle.nullDevice
  }

  /// The process id, once started.
  public var processIdentifier: Int32 { process.processIdentifier }

  /// Starts the child; `timeout` seconds later it is stopped. Returns false if it could not start
  /// (then `wait()` returns `.launchFailed`).
  @discardableResult
  public func start(timeout: TimeInterval) -> Bool {
    guard logHandle != nil else {
      complete(.launchFailed("cannot create the log file"))
      return false
    }
    process.terminationHandler = { [weak self] process in
      guard let self else { return }
      let reason = self.lock.withLock { self.killReason }
      let outcome: ChildOutcome
      switch reason {
      case .timeout: outcome = .timedOut
      case .interrupt: outcome = .interrupted
      case nil:
        outcome =
          process.terminationReason == .exit
          ? .exited(process.terminationStatus) : .signaled(process.terminationStatus)
      }
      self.complete(outcome)
    }
    do {
      try process.run()
    } catch {
      complete(
        .launchFailed("cannot start \(process.executableURL?.path ?? "?"): \(error.localizedDescription)"))
      return false
    }
    DispatchQueue.global().asyncAfter(deadline: .now() + max(timeout, 0)) { [weak self] in
      self?.stop(.timeout)
    }
    return true
  }

  /// Stops the child because the daemon is shutting down (SIGTERM, then SIGKILL).
  public func interrupt() { stop(.interrupt) }

  /// Waits for the child to end.
  public func wait() async -> ChildOutcome {
    await withCheckedContinuation { continuation in
      let done: ChildOutcome? = lock.withLock {
        if let finished { return finished }
        waiter = continuation
        return nil
      }
      if let done { continuation.resume(returning: done) }
    }
  }

  private func stop(_ reason: KillReason) {
    let pid: Int32? = lock.withLock {
      guard finished == nil, killReason == nil, process.processIdentifier > 0 else { return nil }
      killReason = reason
      return process.processIdentifier
    }
    guard let pid else { return }
    kill(pid, SIGTERM)
    DispatchQueue.global().asyncAfter(deadline: .now() + killGrace) { [weak self] in
      guard let self else { return }
      let running = self.lock.withLock { self.finished == nil }
      if running { kill(pid, SIGKILL) }
    }
  }

  private func complete(_ outcome: ChildOutcome) {
    let continuation: CheckedContinuation<ChildOutcome, Never>? = lock.withLock {
      guard finished == nil else { return nil }
      finished = outcome
      try? logHandle?.close()
      logHandle = nil
      defer { waiter = nil }
      return waiter
    }
    continuation?.resume(returning: outcome)
  }
}
