import ArgumentParser
import Foundation
import Runbook
import Scheduler

/// `terun schedule`: scheduled runbooks (validate, list, run, history, serve, export).
struct ScheduleCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "schedule",
    abstract: "Run runbooks on a schedule.",
    discussion: """
      A schedule file (YAML) lists jobs: name, runbook, params, cron, timezone, timeout, overlap, \
      catch_up, on_failure, on_success, retries, retry_delay, keep, keep_for, max_memory and \
      out_dir. History and logs live in TERUN_STATE_DIR (default \
      ~/.local/state/terun). See docs/schedule.md.
      """,
    subcommands: [
      ScheduleValidateCommand.self, ScheduleListCommand.self, ScheduleRunCommand.self,
      ScheduleHistoryCommand.self, ScheduleLogsCommand.self, ScheduleServeCommand.self,
      ScheduleExportCommand.self,
    ])
}

/// Helpers shared by the `terun schedule` subcommands.
enum ScheduleSupport {
  /// Loads `path`, turning its problems into a usage failure (exit 2) that lists them all.
  static func load(_ path: String) throws -> ScheduleFile {
    do {
      return try ScheduleFile.load(path: path)
    } catch let error as ScheduleFileError {
      throw CommandFailure(.usage, error.description)
    }
  }

  /// The state folder from the environment.
  static var state: StateDirectory { StateDirectory.fromEnvironment() }

  /// Writes a timestamped line on stderr.
  static let log: @Sendable (String) -> Void = { message in
    let line = "\(Timestamps.iso(Date())) \(message)\n"
    FileHandle.standardError.write(Data(line.utf8))
  }

  /// The child command: `--terun PATH`, or this binary.
  static func childCommand(_ override: String?) -> ChildCommand {
    if let override { return ChildCommand(executable: absolute(override)) }
    return ChildCommand.currentTerun()
  }

  static func absolute(_ path: String) -> String {
    let expanded = (path as NSString).expandingTildeInPath
    if expanded.hasPrefix("/") { return expanded }
    return (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(expanded)
  }

  /// Parses a `--grace`-style duration.
  static func duration(_ text: String) throws -> DurationSpec {
    do {
      return try DurationSpec(parsing: text)
    } catch {
      throw ValidationError("\(error)")
    }
  }
}
