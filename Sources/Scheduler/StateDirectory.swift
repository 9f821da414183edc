import Foundation

/// The scheduler's state folder: `history.sqlite`, `logs/<job>/<timestamp>.log` and, for jobs
/// without `out_dir`, `outputs/<job>/<timestamp>/`.
///
/// `TERUN_STATE_DIR`, or `~/.local/state/terun`.
public struct StateDirectory: Sendable, Equatable {
  /// The folder, absolute.
  public var path: String

  public init(path: String) { self.path = path }

  /// The folder named by the environment: `TERUN_STATE_DIR`, else `$HOME/.local/state/terun`.
  public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
    -> StateDirectory
  {
    if let given = environment["TERUN_STATE_DIR"], !given.isEmpty {
      return StateDirectory(path: ScheduleFile.absolute(given))
    }
    let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    return StateDirectory(path: (home as NSString).appendingPathComponent(".local/state/terun"))
  }

  /// The history database.
  public var historyPath: String { (path as NSString).appendingPathComponent("history.sqlite") }

  /// The folder of a job's logs.
  public func logFolder(job: String) -> String {
    (path as NSString).appendingPathComponent("logs/\(job)")
  }

  /// The folder under which a job without `out_dir` gets one output folder per run.
  public func outputFolder(job: String) -> String {
    (path as NSString).appendingPathComponent("outputs/\(job)")
  }

  /// Opens the history store.
  public func openHistory() throws -> HistoryStore { try HistoryStore(path: historyPath) }
}
