import ArgumentParser
import Foundation
import Runbook

/// Where a run writes and how much it says: `--out-dir`, `-v/--verbose`, `--quiet`.
struct OutputOptions: ParsableArguments {
  @Option(
    name: .customLong("out-dir"),
    help: ArgumentHelp(
      "The folder te.fs.write writes under (default: the current folder).", valueName: "folder"))
  var outDir: String?

  @Flag(name: [.short, .long], help: "Also show te.log.debug messages.")
  var verbose = false

  @Flag(help: "Show only warnings and errors from te.log.")
  var quiet = false

  func validate() throws {
    if verbose && quiet { throw ValidationError("--verbose and --quiet cannot be used together") }
  }

  /// The lowest `te.log` level shown.
  var logThreshold: LogLevel { verbose ? .debug : (quiet ? .warn : .info) }

  /// The output folder as an absolute path; it must exist.
  func outputDirectory(currentDirectory: String) throws -> String {
    let given = outDir ?? currentDirectory
    let absolute = given.hasPrefix("/") ? given : (currentDirectory as NSString).appendingPathComponent(given)
    let path = (absolute as NSString).standardizingPath
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue
    else {
      throw CommandFailure(.usage, "--out-dir \(given): no such folder")
    }
    return path
  }
}
