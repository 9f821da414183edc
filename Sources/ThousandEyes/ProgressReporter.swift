import Foundation

/// Progress on stderr for long paginations and rate-limit waits, shown only when stderr is a
/// terminal (or when forced by configuration); silent otherwise.
public final class ProgressReporter: @unchecked Sendable {
  /// Whether anything is written.
  public let isEnabled: Bool
  private let lock = NSLock()
  private var lineOpen = false

  /// `enabled: nil` shows progress only when stderr is a TTY.
  public init(enabled: Bool?) {
    isEnabled = enabled ?? (isatty(2) == 1)
  }

  /// Reports pages and items fetched so far for a request path.
  public func pages(path: String, pages: Int, items: Int?) {
    guard isEnabled else { return }
    let itemText = items.map { ", \($0) items" } ?? ""
    show("terun: \(path): \(pages) page\(pages == 1 ? "" : "s")\(itemText)")
  }

  /// Reports a rate-limit wait.
  public func waiting(seconds: Double, budget: RateLimitBudget) {
    guard isEnabled, seconds >= 0.5 else { return }
    let name = budget == .organization ? "rate limit" : "instant-test rate limit"
    show("terun: waiting \((seconds * 10).rounded() / 10) s for the \(name) to reset")
  }

  /// Ends the progress line.
  public func finish() {
    guard isEnabled else { return }
    lock.lock()
    defer { lock.unlock() }
    if lineOpen {
      FileHandle.standardError.write(Data("\n".utf8))
      lineOpen = false
    }
  }

  private func show(_ text: String) {
    lock.lock()
    defer { lock.unlock() }
    FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
    lineOpen = true
  }
}
