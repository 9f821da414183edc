import Foundation

/// Finds runbook test files (`*_test.lua`) for `terun test`.
public enum RunbookTestDiscovery {
  /// The test files named by `paths` (files taken as given, folders searched recursively for
  /// `*_test.lua`), relative paths resolved against `currentDirectory`. Each folder's files
  /// come sorted by path; a file named twice is run once.
  ///
  /// Throws a usage failure (exit 2) for a path that does not exist.
  public static func testFiles(in paths: [String], currentDirectory: String) throws -> [String] {
    var found: [String] = []
    var seen = Set<String>()
    let fileManager = FileManager.default
    for path in paths {
      let absolute =
        path.hasPrefix("/") ? path : (currentDirectory as NSString).appendingPathComponent(path)
      var isDirectory: ObjCBool = false
      guard fileManager.fileExists(atPath: absolute, isDirectory: &isDirectory) else {
        throw CommandFailure(.usage, "\(path): no such file or folder")
      }
      var files: [String]
      if isDirectory.boolValue {
        let names = fileManager.subpaths(atPath: absolute) ?? []
        files = names.filter { $0.hasSuffix("_test.lua") }.sorted().map {
          (path as NSString).appendingPathComponent($0)
        }
      } else {
        files = [path]
      }
      files = files.filter { seen.insert(standardized($0, currentDirectory)).inserted }
      found += files
    }
    return found
  }

  private static func standardized(_ path: String, _ currentDirectory: String) -> String {
    let absolute =
      path.hasPrefix("/") ? path : (currentDirectory as NSString).appendingPathComponent(path)
    return (absolute as NSString).standardizingPath
  }
}
