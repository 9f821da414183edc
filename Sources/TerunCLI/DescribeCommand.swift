import ArgumentParser
import Foundation
import Runbook

/// `terun describe RUNBOOK`: prints a runbook's description and parameter table, reading only its
/// header (nothing in the file runs).
struct DescribeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "describe",
    abstract: "Show a runbook's description and parameters without running it.")

  @Argument(help: "The runbook: a .lua file, or a name found in TERUN_PATH or the built-in library.")
  var runbook: String

  func run() throws {
    let loaded = try LoadedRunbook(argument: runbook)
    print(RunbookDescription.render(loaded.header, runbook: runbook), terminator: "")
  }
}

/// A runbook located and its header read: what `run`, `describe` and `--help` start from.
struct LoadedRunbook {
  let source: RunbookSource
  let header: RunbookHeader

  init(argument: String) throws {
    let environment = ProcessInfo.processInfo.environment
    source = try RunbookLocator.locate(
      argument, searchPath: RunbookLocator.searchPath(from: environment),
      currentDirectory: FileManager.default.currentDirectoryPath)
    header = try RunbookHeader.parse(source: source.bytes, file: source.displayName)
  }
}
