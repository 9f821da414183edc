import ArgumentParser
import Foundation
import Runbook

/// `terun list`: the runbooks found in ./runbooks, in `TERUN_PATH` folders and in the built-in
/// library, with their descriptions. A name found in several places is listed once, from the
/// place `terun NAME` takes it (the same order).
struct ListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "List the runbooks in ./runbooks, TERUN_PATH and the built-in library.",
    discussion: "A .lua file without a runbook { ... } header is a module (for require) and is not listed.")

  @Flag(help: "Print the list as JSON: [{name, description, source, path}].")
  var json = false

  /// One runbook in the list.
  struct Entry: Codable, Equatable {
    var name: String
    var description: String
    /// `./runbooks`, a `TERUN_PATH` folder, or `built-in`.
    var source: String
    /// The file, or `builtin:NAME`.
    var path: String
  }

  func run() throws {
    let environment = ProcessInfo.processInfo.environment
    let entries = Self.entries(
      currentDirectory: FileManager.default.currentDirectoryPath,
      searchPath: RunbookLocator.searchPath(from: environment))
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      let data = try encoder.encode(entries)
      print(String(decoding: data, as: UTF8.self))
    } else {
      print(Self.table(entries), terminator: "")
    }
  }

  /// Every runbook, first by place (./runbooks, `TERUN_PATH` in order, built-in), then by name.
  static func entries(currentDirectory: String, searchPath: [String]) -> [Entry] {
    var entries: [Entry] = []
    var seen = Set<String>()
    let local = (currentDirectory as NSString).appendingPathComponent(RunbookLocator.localFolder)
    let folders = [("./" + RunbookLocator.localFolder, local)] + searchPath.map { ($0, $0) }
    for (label, folder) in folders {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
      for file in names.sorted() where file.hasSuffix(".lua") && !file.hasSuffix("_test.lua") {
        let name = String(file.dropLast(4))
        let path = (folder as NSString).appendingPathComponent(file)
        guard !seen.contains(name), let data = FileManager.default.contents(atPath: path) else { continue }
        // A file without a runbook { ... } header is a module (for require), not a runbook.
        if RunbookSource(displayName: path, bytes: Array(data), folder: folder).isModule { continue }
        seen.insert(name)
        entries.append(
          Entry(name: name, description: describe(Array(data), file: path), source: label, path: path))
      }
    }
    // The built-in library also embeds runbook tests and fixtures (`x_test`, `tests.te.check`).
    let builtins = BuiltinLibrary.runbooks.filter { !$0.key.hasSuffix("_test") && !$0.key.contains(".") }
    for (name, text) in builtins.sorted(by: { $0.key < $1.key }) where !seen.contains(name) {
      seen.insert(name)
      entries.append(
        Entry(
          name: name, description: describe(Array(text.utf8), file: "builtin:\(name)"), source: "built-in",
          path: "builtin:\(name)"))
    }
    return entries
  }

  /// The header's description, or why it cannot be read.
  static func describe(_ source: [UInt8], file: String) -> String {
    do {
      return try RunbookHeader.parse(source: source, file: file).description ?? ""
    } catch {
      return "(unreadable header: \(error))"
    }
  }

  /// An aligned table: NAME, SOURCE, DESCRIPTION.
  static func table(_ entries: [Entry]) -> String {
    let rows = [["NAME", "SOURCE", "DESCRIPTION"]] + entries.map { [$0.name, $0.source, $0.description] }
    let widths = (0..<2).map { column in rows.map { $0[column].count }.max() ?? 0 }
    return rows.map { row in
      row[0].padding(toLength: widths[0], withPad: " ", startingAt: 0) + "  "
        + row[1].padding(toLength: widths[1], withPad: " ", startingAt: 0) + "  " + row[2]
    }.map { $0.trimmingCharacters(in: .whitespaces) + "\n" }.joined()
  }
}
