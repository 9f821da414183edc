import Foundation
import Synchronization
import Testing

@testable import ThousandEyes

/// The host-wide budget file: windows, promises to the next window, headers from the server,
/// staleness, and a lock that a dead holder does not keep.
@Suite("Shared rate budget")
struct SharedRateBudgetTests {
  /// A settable clock (epoch seconds).
  final class Clock: Sendable {
    private let value: Mutex<Double>
    init(_ start: Double) { value = Mutex(start) }
    var now: Double { value.withLock { $0 } }
    func advance(to time: Double) { value.withLock { $0 = time } }
  }

  private static func scratch() -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "terun-budget-\(UUID().uuidString)")
    return SharedRateBudget.path(inStateDirectory: folder.path)
  }

  private static func budget(_ path: String, _ clock: Clock, key: String = "http://sim|abc")
    -> SharedRateBudget
  {
    SharedRateBudget(path: path, key: key, now: { clock.now })
  }

  @Test("two processes' budgets on one file share one window; a full window promises the next")
  func sharedWindow() throws {
    let path = Self.scratch()
    let clock = Clock(1000.0)
    let first = Self.budget(path, clock)
    let second = Self.budget(path, clock)
    try first.record(limit: 4, remaining: 3, reset: 1010)
    // One was spent by the answered request; three are left between both.
    #expect(try first.reserve(latency: 0.5) == .init(wait: 0, granted: true))
    #expect(try second.reserve(latency: 0.5) == .init(wait: 0, granted: true))
    #expect(try first.reserve(latency: 0.5) == .init(wait: 0, granted: true))
    // Spent: the next four go to the next window, after its reset and the margin.
    for _ in 0..<4 {
      let reservation = try second.reserve(latency: 0.5)
      #expect(reservation.granted)
      #expect(abs(reservation.wait - 10.15) < 1e-9)
    }
    // Both windows are spent: wait, then ask again.
    #expect(try first.reserve(latency: 0.5).granted == false)
    // After the reset the promised four are the new window's count.
    clock.advance(to: 1010.2)
    #expect(try first.entry().used == 4)
    #expect(try first.reserve(latency: 0.5).granted == false)
  }

  @Test("a request that would reach the server after the reset counts in the next window")
  func windowEdge() throws {
    let path = Self.scratch()
    let clock = Clock(1009.5)
    let budget = Self.budget(path, clock)
    try budget.record(limit: 10, remaining: 9, reset: 1010)
    let reservation = try budget.reserve(latency: 0.6)
    #expect(reservation.granted)
    #expect(abs(reservation.wait - 0.65) < 1e-9)
    #expect(try budget.entry().next == 1)
  }

  @Test("the server's count wins when other hosts spent more; late answers are ignored")
  func headers() throws {
    let path = Self.scratch()
    let clock = Clock(1000.0)
    let budget = Self.budget(path, clock)
    try budget.record(limit: 40, remaining: 39, reset: 1010)
    try budget.record(limit: 40, remaining: 5, reset: 1010)
    #expect(try budget.entry().used == 35)
    clock.advance(to: 1010.5)
    try budget.record(limit: 40, remaining: 0, reset: 1010)  // from the window that ended
    #expect(try budget.entry().used == 0)
    try budget.record(limit: 40, remaining: 38, reset: 1020)
    let entry = try budget.entry()
    #expect(entry.used == 2)
    #expect(entry.window == 10)
    #expect(entry.reset == 1020)
  }

  @Test("after a 429 nothing is granted before the given time")
  func exhausted() throws {
    let path = Self.scratch()
    let clock = Clock(1000.0)
    let budget = Self.budget(path, clock)
    try budget.record(limit: 40, remaining: 30, reset: 1010)
    try budget.exhaust(until: 1010.15)
    let reservation = try budget.reserve(latency: 0.5)
    #expect(abs(reservation.wait - 10.15) < 1e-9)
  }

  @Test("stale entries expire; other keys are kept apart; a torn file reads as empty")
  func staleness() throws {
    let path = Self.scratch()
    let clock = Clock(1000.0)
    let mine = Self.budget(path, clock, key: "a")
    let other = Self.budget(path, clock, key: "b")
    try mine.record(limit: 2, remaining: 0, reset: 1010)
    #expect(try other.reserve(latency: 0.1) == .init(wait: 0, granted: true))
    #expect(try mine.reserve(latency: 0.1).wait > 9)
    clock.advance(to: 1000 + SharedRateBudget.staleAfter + 20)
    #expect(try mine.entry() == SharedRateBudget.Entry())
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(!text.contains("\"b\""), "the stale entry of another key was dropped: \(text)")
    try Data("{\"version\":1,\"budg".utf8).write(to: URL(fileURLWithPath: path))
    #expect(try mine.reserve(latency: 0.1) == .init(wait: 0, granted: true))
  }

  @Test("a holder killed while it has the lock leaves no stuck lock")
  func deadHolder() throws {
    let path = Self.scratch()
    let budget = Self.budget(path, Clock(1000.0))
    #expect(try budget.reserve(latency: 0.1).granted)
    // One process that takes the lock and keeps it until it is killed.
    let holder = Process()
    holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    holder.arguments = [
      "python3", "-c",
      "import fcntl, sys, time\nf = open(sys.argv[1], 'a')\nfcntl.flock(f, fcntl.LOCK_EX)\ntime.sleep(600)",
      path,
    ]
    try holder.run()
    // Wait until it holds the lock (a non-blocking attempt fails).
    let fd = open(path, O_RDWR)
    defer { close(fd) }
    var held = false
    for _ in 0..<500 {
      if flock(fd, LOCK_EX | LOCK_NB) != 0 {
        held = true
        break
      }
      flock(fd, LOCK_UN)
      usleep(10_000)
    }
    #expect(held, "the holder took the lock")
    kill(holder.processIdentifier, SIGKILL)
    holder.waitUntilExit()
    #expect(try budget.reserve(latency: 0.1).granted)
  }

  @Test("the key names the origin and a digest of the token, never the token")
  func key() {
    let key = SharedRateBudget.key(
      baseURL: URL(string: "https://api.example.com/")!, token: APIToken("secret-token"))
    #expect(key.hasPrefix("https://api.example.com|"))
    #expect(!key.contains("secret"))
    #expect(
      key != SharedRateBudget.key(baseURL: URL(string: "https://api.example.com")!, token: APIToken("other")))
  }
}
