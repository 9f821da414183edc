import Crypto
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The organization's request budget, shared by every terun process on a host through one
/// small file (`TERUN_STATE_DIR/rate-budgets.json`) locked with `flock(2)` while it is read
/// and updated.
///
/// The file holds one entry per API origin and organization (a digest of the base URL and the
/// token; never the token). An entry mirrors the API's fixed window: its `limit`, the epoch
/// second of its `reset`, how many requests every process `used` in it, and how many were
/// already promised to the `next` window. Each process reserves a request before sending it,
/// and folds the `X-Organization-Rate-Limit-*` headers it receives back into the entry, so
/// that requests from other hosts (which the server counts) are seen too.
///
/// A process that dies leaves no stuck lock (the kernel drops its `flock`), and what it reserved
/// expires with its window; entries not touched for ``staleAfter`` seconds are dropped.
public final class SharedRateBudget: Sendable {
  /// One origin and organization's window, as stored.
  struct Entry: Codable, Equatable {
    /// Requests per window (the server's `Limit`), once known.
    var limit: Int?
    /// Epoch seconds at which the current window ends (the server's `Reset`), once known.
    var reset: Double?
    /// The window's length in seconds, once two consecutive resets were seen.
    var window: Double?
    /// The reset of the window before this one, once one rolled over.
    var previous: Double?
    /// Requests counted in the current window.
    var used = 0
    /// Requests promised to the window after the current one.
    var next = 0
    /// When the entry was last written (epoch seconds).
    var updated: Double = 0
  }

  /// What a reservation asks of its caller.
  struct Reservation: Equatable {
    /// Seconds to wait before sending (or before asking again).
    var wait: Double
    /// Whether a request was counted: false means wait, then ask again.
    var granted: Bool
  }

  private struct File: Codable {
    var version = 1
    var budgets: [String: Entry] = [:]
  }

  /// Seconds after a reset before a request counts in the new window (clock skew, rounding).
  static let resetMargin = 0.15
  /// An entry untouched for this long is forgotten.
  static let staleAfter: Double = 600

  /// The file.
  public let path: String
  /// The entry's key: the API origin and a digest of the token.
  public let key: String
  private let now: @Sendable () -> Double

  /// A budget in the file at `path` for requests to `baseURL` with `token`.
  public convenience init(path: String, baseURL: URL, token: APIToken?) {
    self.init(path: path, key: Self.key(baseURL: baseURL, token: token))
  }

  init(path: String, key: String, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
    self.path = path
    self.key = key
    self.now = now
  }

  /// `origin|digest`: the organization is known by its token, kept only as a SHA-256 prefix.
  static func key(baseURL: URL, token: APIToken?) -> String {
    var origin = baseURL.absoluteString
    while origin.hasSuffix("/") { origin.removeLast() }
    let digest = SHA256.hash(data: Data((token?.secret ?? "").utf8))
    return origin + "|" + digest.prefix(8).map { String(format: "%02x", $0) }.joined()
  }

  /// The file's path under a state folder.
  public static func path(inStateDirectory folder: String) -> String {
    (folder as NSString).appendingPathComponent("rate-budgets.json")
  }

  // MARK: Operations

  /// Reserves one request that takes about `latency` seconds to reach the server: counted in
  /// this window when it will arrive before the reset, else promised to the next one.
  func reserve(latency: Double) throws -> Reservation {
    try update { entry, time in
      guard let limit = entry.limit else {
        entry.used += 1
        return Reservation(wait: 0, granted: true)
      }
      guard let reset = entry.reset else {
        // The window's end is not known yet (it rolled, no answer since): count only.
        if entry.used < limit {
          entry.used += 1
          return Reservation(wait: 0, granted: true)
        }
        return Reservation(wait: 0.25, granted: false)
      }
      let opens = reset + Self.resetMargin
      if entry.used < limit, time + latency < reset {
        entry.used += 1
        return Reservation(wait: 0, granted: true)
      }
      if entry.next < limit {
        entry.next += 1
        return Reservation(wait: max(0, opens - time), granted: true)
      }
      return Reservation(wait: max(0.05, opens - time), granted: false)
    }
  }

  /// Folds a response's `X-Organization-Rate-Limit-*` headers into the entry.
  func record(limit: Int?, remaining: Int?, reset: Double?) throws {
    guard limit != nil || remaining != nil || reset != nil else { return }
    try update { entry, time in
      if let limit { entry.limit = limit }
      // A late answer from a window that is over tells nothing about this one.
      guard let reset, reset > time else { return }
      if let known = entry.reset, reset > known {
        // A window we had not rolled into yet: what was promised to it is its count so far.
        entry.previous = known
        entry.used = entry.next
        entry.next = 0
      }
      if entry.reset != reset, let previous = entry.previous, reset > previous {
        // Consecutive resets are a window apart (or more, after an idle spell): keep the least.
        let gap = reset - previous
        if entry.window.map({ gap < $0 }) ?? true { entry.window = gap }
      }
      entry.reset = reset
      if let limit = entry.limit, let remaining {
        // The server's count includes other hosts; ours includes requests still in flight.
        entry.used = max(entry.used, limit - remaining)
      }
    }
  }

  /// After a 429: the window is spent until `until` (epoch seconds).
  func exhaust(until: Double) throws {
    try update { entry, _ in
      if let limit = entry.limit { entry.used = max(entry.used, limit) }
      if entry.reset.map({ $0 < until - Self.resetMargin }) ?? true {
        entry.reset = until - Self.resetMargin
      }
    }
  }

  /// The entry as stored now (rolled to the current window), for tests and diagnostics.
  func entry() throws -> Entry {
    try update { entry, _ in entry }
  }

  // MARK: The locked file

  /// Runs `body` on this key's entry, rolled to the current window, under an exclusive lock,
  /// then writes the file back (dropping stale entries).
  private func update<T>(_ body: (inout Entry, Double) throws -> T) throws -> T {
    let folder = (path as NSString).deletingLastPathComponent
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw SharedBudgetError(path: path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    while flock(fd, LOCK_EX) != 0 {
      guard errno == EINTR else {
        throw SharedBudgetError(path: path, reason: String(cString: strerror(errno)))
      }
    }
    defer { flock(fd, LOCK_UN) }
    // A file cut short by a crash reads as empty: the server's headers refill it.
    var file = (try? JSONDecoder().decode(File.self, from: Self.readAll(fd))) ?? File()
    let time = now()
    file.budgets = file.budgets.filter { $0.key == key || time - $0.value.updated < Self.staleAfter }
    var entry = file.budgets[key] ?? Entry()
    if time - entry.updated >= Self.staleAfter { entry = Entry() }
    Self.roll(&entry, to: time)
    let result = try body(&entry, time)
    entry.updated = time
    file.budgets[key] = entry
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let bytes = [UInt8](try encoder.encode(file))
    guard ftruncate(fd, 0) == 0, Self.writeAll(fd, bytes) else {
      throw SharedBudgetError(path: path, reason: String(cString: strerror(errno)))
    }
    return result
  }

  /// Moves `entry` into the window holding `time`: once a reset has passed, what was promised
  /// to the next window is the new window's count.
  static func roll(_ entry: inout Entry, to time: Double) {
    guard let reset = entry.reset, time >= reset + resetMargin else { return }
    entry.used = entry.next
    entry.next = 0
    entry.previous = reset
    guard let window = entry.window, window > 0 else {
      entry.reset = nil
      return
    }
    let skipped = ((time - reset - resetMargin) / window).rounded(.down)
    if skipped >= 1 { entry.used = 0 }
    entry.reset = reset + (skipped + 1) * window
  }

  private static func readAll(_ fd: Int32) -> Data {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 4096)
    var offset: off_t = 0
    while true {
      let count = pread(fd, &buffer, buffer.count, offset)
      if count <= 0 { break }
      data.append(contentsOf: buffer[0..<count])
      offset += off_t(count)
    }
    return data
  }

  private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) }
      if written < 0 {
        if errno == EINTR { continue }
        return false
      }
      offset += written
    }
    return true
  }
}

/// The shared budget file could not be used; the client then paces on its own.
public struct SharedBudgetError: Error, CustomStringConvertible {
  /// The file.
  public let path: String
  /// What failed.
  public let reason: String

  public var description: String { "the shared rate budget \(path) cannot be used: \(reason)" }
}
