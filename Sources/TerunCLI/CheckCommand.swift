import ArgumentParser
import Foundation
import Runbook

/// `terun check [RUNBOOK|DIR ...]`: checks runbooks and modules without running them.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Check runbooks without running them: syntax, header, undefined globals, te functions.",
    discussion: """
      Each file must compile; a runbook's header and defaults must be valid; reading a global \
      the sandbox does not have (a typo such as prnt) and using a te field that does not exist \
      (te.tests.lsit) are reported, each as FILE:LINE: message. A .lua file without a \
      runbook { ... } header is a module and is checked as Lua only.

      With no argument, checks ./runbooks. Exit 0 when clean, 1 when a problem was found, \
      2 when an argument names nothing.
      """)

  @Argument(
    help: ArgumentHelp("Runbooks (files or names) and folders of .lua files.", valueName: "runbook|dir"))
  var targets: [String] = []

  func run() throws {
    let currentDirectory = FileManager.default.currentDirectoryPath
    var targets = self.targets
    if targets.isEmpty {
      guard Self.isFolder(RunbookLocator.localFolder, in: currentDirectory) else {
        throw CommandFailure(.usage, "nothing to check: give runbooks or folders (there is no ./runbooks)")
      }
      targets = [RunbookLocator.localFolder]
    }
    var sources: [RunbookSource] = []
    for target in targets {
      sources += try Self.sources(for: target, currentDirectory: currentDirectory)
    }
    let checker = try RunbookChecker()
    var problems: [CheckProblem] = []
    for source in sources {
      problems += checker.check(source)
    }
    for problem in problems { print(problem) }
    let files = sources.count == 1 ? "1 file" : "\(sources.count) files"
    guard problems.isEmpty else {
      let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
      throw CommandFailure(.runbookError, "check: \(count) in \(files); fix them and check again")
    }
    Terun.printError("check: \(files) checked, no problems", prefixed: false)
  }

  /// The `.lua` files a target names: a file, every `.lua` file under a folder (sorted), or a
  /// runbook found by name.
  static func sources(for target: String, currentDirectory: String) throws -> [RunbookSource] {
    let absolute =
      target.hasPrefix("/") ? target : (currentDirectory as NSString).appendingPathComponent(target)
    if isFolder(absolute, in: "/") {
      let enumerator = FileManager.default.enumerator(atPath: absolute)
      var files: [String] = []
      while let relative = enumerator?.nextObject() as? String {
        if relative.hasSuffix(".lua") { files.append(relative) }
      }
      return try files.sorted().map { relative in
        let shown = (target as NSString).appendingPathComponent(relative)
        return try RunbookLocator.locate(shown, searchPath: [], currentDirectory: currentDirectory)
      }
    }
    if FileManager.default.fileExists(atPath: absolute) {
      return [try RunbookLocator.locate(target, searchPath: [], currentDirectory: currentDirectory)]
    }
    // A name: as terun run finds it (modules included: they are checked as Lua).
    let environment = ProcessInfo.processInfo.environment
    for folder in [(currentDirectory as NSString).appendingPathComponent(RunbookLocator.localFolder)]
      + RunbookLocator.searchPath(from: environment)
    {
      let candidate = (folder as NSString).appendingPathComponent(target + ".lua")
      if FileManager.default.fileExists(atPath: candidate) {
        return [try RunbookLocator.locate(candidate, searchPath: [], currentDirectory: currentDirectory)]
      }
    }
    return [
      try RunbookLocator.locate(
        target, searchPath: RunbookLocator.searchPath(from: environment), currentDirectory: currentDirectory)
    ]
  }

  private static func isFolder(_ path: String, in directory: String) -> Bool {
    let absolute = path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory)
      && isDirectory.boolValue
  }
}
