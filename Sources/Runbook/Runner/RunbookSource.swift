import Foundation
import LuaHost

/// A runbook's source and where it came from.
public struct RunbookSource: Sendable, Equatable {
  /// The name shown in messages and tracebacks: the path as the user gave it, or `builtin:NAME`.
  public let displayName: String
  /// The source bytes.
  public let bytes: [UInt8]
  /// The runbook's folder (absolute): readable by `te.fs.read` and searched first by `require`.
  /// Nil for a built-in runbook.
  public let folder: String?
  /// The path of terun's own embedded Lua file this source is (`terun/test_driver.lua`, which
  /// `terun test` runs), or nil for a user's runbook. See ``compile(in:)``.
  public let internalPath: String?

  /// Creates a source.
  public init(displayName: String, bytes: [UInt8], folder: String?) {
    self.displayName = displayName
    self.bytes = bytes
    self.folder = folder
    self.internalPath = nil
  }

  /// The source of terun's own Lua file `path` of the Runbook target's `Lua/` folder, run as a
  /// runbook whose `require` searches `folder` first.
  init(internal path: String, folder: String?) {
    self.displayName = path
    self.bytes = Array((EmbeddedLuaSources.library[path] ?? "").utf8)
    self.folder = folder
    self.internalPath = path
  }

  /// Compiles the source: a user's runbook under its display name (never one that reads as
  /// terun's own), terun's own file under `@PATH`, whose frames users do not see (see
  /// ``InternalChunk``).
  func compile(in state: LuaState) throws -> LuaValue {
    if let internalPath {
      return try state.loadInternal(internalPath, from: EmbeddedLuaSources.library)
    }
    return try state.load(source: bytes, chunkName: displayName)
  }

  /// Whether this `.lua` file is a module rather than a runbook: it has no `runbook { ... }`
  /// header. `terun list` leaves modules out and `terun NAME` refuses them. A file whose header
  /// is malformed is a runbook (with an error to report).
  public var isModule: Bool {
    guard let header = try? RunbookHeader.parse(source: bytes, file: displayName) else { return false }
    return header.line == nil
  }
}

/// Finds a runbook named on the command line.
public enum RunbookLocator {
  /// Resolves `argument`: a path to a file (relative to `currentDirectory`), else a name looked
  /// up as `NAME.lua` in `./runbooks`, in each `searchPath` folder, then among the built-in runbooks.
  ///
  /// Throws a usage failure (exit 2) when nothing matches, or when the file found by name is a
  /// module (see ``RunbookSource/isModule``).
  public static func locate(
    _ argument: String, searchPath: [String], currentDirectory: String
  ) throws -> RunbookSource {
    let fileManager = FileManager.default
    let absolute =
      argument.hasPrefix("/") ? argument : (currentDirectory as NSString).appendingPathComponent(argument)
    var isDirectory: ObjCBool = false
    if fileManager.fileExists(atPath: absolute, isDirectory: &isDirectory) {
      guard !isDirectory.boolValue else {
        throw CommandFailure(.usage, "\(argument) is a folder, not a runbook file")
      }
      return try load(path: absolute, displayName: argument)
    }
    let looksLikePath = argument.contains("/") || argument.hasSuffix(".lua")
    if !looksLikePath {
      let local = (currentDirectory as NSString).appendingPathComponent(localFolder)
      for folder in [local] + searchPath where !folder.isEmpty {
        let candidate = (folder as NSString).appendingPathComponent(argument + ".lua")
        if fileManager.fileExists(atPath: candidate) {
          let source = try load(path: candidate, displayName: candidate)
          if source.isModule {
            throw CommandFailure(
              .usage,
              "\(argument) (\(candidate)) is a Lua module, not a runbook: it has no runbook { ... } header. "
                + "Use it with require(\"\(argument)\") from a runbook, or add a header to run it")
          }
          return source
        }
      }
      if let builtin = BuiltinLibrary.runbooks[argument] {
        return RunbookSource(displayName: "builtin:\(argument)", bytes: Array(builtin.utf8), folder: nil)
      }
      throw CommandFailure(
        .usage,
        "runbook not found: \(argument) "
          + "(no such file, not in ./runbooks or TERUN_PATH, not a built-in runbook)")
    }
    throw CommandFailure(.usage, "runbook not found: \(argument): no such file")
  }

  /// The folder of the current directory searched first for a runbook given by name.
  public static let localFolder = "runbooks"

  /// The folders of a `TERUN_PATH` value (colon-separated).
  public static func searchPath(from environment: [String: String]) -> [String] {
    (environment["TERUN_PATH"] ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
  }

  private static func load(path: String, displayName: String) throws -> RunbookSource {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw CommandFailure(.usage, "cannot read runbook \(displayName)")
    }
    let folder = ((path as NSString).deletingLastPathComponent as NSString).standardizingPath
    return RunbookSource(displayName: displayName, bytes: Array(data), folder: folder)
  }
}
