import Foundation
import LuaHost
import ThousandEyes

/// A problem `terun check` found, at a file and line.
public struct CheckProblem: Sendable, Equatable, CustomStringConvertible {
  /// The file as named to the user.
  public let file: String
  /// The 1-based line, when known.
  public let line: Int?
  /// What is wrong.
  public let message: String

  /// Creates a problem.
  public init(file: String, line: Int?, message: String) {
    self.file = file
    self.line = line
    self.message = message
  }

  public var description: String { "\(file):\(line.map(String.init) ?? "1"): \(message)" }
}

/// Checks runbooks and modules without running them (`terun check`, `terun schedule validate`):
/// the file compiles; a runbook's header and defaults are valid; no undefined global is read;
/// no `te` field that does not exist is used. Each problem comes with its file and line.
///
/// The globals and the `te` table it checks against are those of a real run's sandbox, built
/// once (no request is sent).
public final class RunbookChecker {
  private let knownGlobals: Set<String>
  private let teFields: TEFieldTree
  private let testFields: TEFieldTree

  /// Builds the sandbox's globals and `te` table to check against.
  public init() throws {
    let runs = try Self.sandboxShapes()
    knownGlobals = runs.globals
    teFields = runs.te
    testFields = runs.testTE
  }

  /// Checks one file. `isTest` files (`*_test.lua`) also have the test helpers (`te.run_runbook`).
  public func check(_ source: RunbookSource) -> [CheckProblem] {
    let file = source.displayName
    var problems: [CheckProblem] = []
    // 1. It compiles.
    do {
      let state = try LuaState.sandboxed(LuaSandboxOptions())
      _ = try state.load(source: source.bytes, chunkName: file)
    } catch let error as LuaError {
      let line = error.location.flatMap { $0.split(separator: ":").last.flatMap { Int($0) } }
      var message = error.message
      if let location = error.location, message.hasPrefix(location + ": ") {
        message = String(message.dropFirst(location.count + 2))
      }
      return [CheckProblem(file: file, line: line, message: "does not compile: \(message)")]
    } catch {
      return [CheckProblem(file: file, line: nil, message: "does not compile: \(error)")]
    }
    // 2. The header and its defaults (a file without one is a module).
    do {
      _ = try RunbookHeader.parse(source: source.bytes, file: file)
    } catch {
      problems.append(CheckProblem(file: file, line: error.line, message: error.message))
    }
    // 3. Globals and te fields.
    let isTest = file.hasSuffix("_test.lua")
    let scanner = GlobalScanner(knownGlobals: knownGlobals, teFields: isTest ? testFields : teFields)
    for finding in scanner.scan(LuaTokenizer.tokens(source.bytes)) {
      problems.append(CheckProblem(file: file, line: finding.line, message: finding.message))
    }
    return problems
  }

  /// Checks that `arguments` (`key=value`) fit the runbook's header, as `terun run` would bind
  /// them (paths relative to `directory`).
  public func checkParameters(_ arguments: [String], of source: RunbookSource, relativeTo directory: String)
    -> [CheckProblem]
  {
    guard let header = try? RunbookHeader.parse(source: source.bytes, file: source.displayName) else {
      return []
    }
    do {
      _ = try ParameterBinder.bind(arguments, to: header, relativeTo: directory)
      return []
    } catch {
      return [CheckProblem(file: source.displayName, line: header.line, message: error.message)]
    }
  }

  // MARK: The sandbox's shape

  private static func sandboxShapes() throws -> (globals: Set<String>, te: TEFieldTree, testTE: TEFieldTree) {
    let base = try shape(installsTestHelpers: false)
    let test = try shape(installsTestHelpers: true)
    return (base.globals, base.te, test.te)
  }

  private static func shape(installsTestHelpers: Bool) throws -> (globals: Set<String>, te: TEFieldTree) {
    let client = try ThousandEyesClient(
      configuration: ClientConfiguration(baseURL: URL(string: "http://127.0.0.1:9")!, token: nil))
    defer { Task { try? await client.shutdown() } }
    var installers: [any TEModuleInstaller] = [TEAPIInstaller(client: client)]
    if installsTestHelpers { installers.append(NestedRunbookInstaller(client: client)) }
    let configuration = RunConfiguration(
      source: RunbookSource(displayName: "check", bytes: [], folder: nil), header: RunbookHeader(),
      parameters: [:], outputDirectory: FileManager.default.temporaryDirectory.path,
      limits: RunLimits(maxMemory: try ByteSize(parsing: "256MiB")))
    let state = try RunbookRunner(configuration: configuration, sink: OutputSink(), installers: installers)
      .makeState()
    defer { state.stopWatchdog() }
    var globals = Set<String>()
    var nodes: [String: TEFieldTree.Node] = [:]
    state.withGlobals { table in
      table.forEachPair { key, _ in
        if let name = key.text { globals.insert(name) }
      }
      table.withField(.name("te")) { walk($0, path: "", depth: 0, into: &nodes) }
    }
    globals.formUnion(["_ENV", "te", "runbook", "print"])
    return (globals, TEFieldTree(nodes: nodes))
  }

  /// Records the fields of `table` under `path`, and below.
  private static func walk(
    _ table: LuaSlot, path: String, depth: Int, into nodes: inout [String: TEFieldTree.Node]
  ) {
    // te.params holds the run's values: anything goes below it.
    if path == "params" || depth > 5 {
      nodes[path] = .open
      return
    }
    var fields = Set<String>()
    table.forEachPair { key, value in
      guard let name = key.text, !name.hasPrefix("__") else { return }
      fields.insert(name)
      let child = path.isEmpty ? name : path + "." + name
      if value.type == .table {
        walk(value, path: child, depth: depth + 1, into: &nodes)
      } else {
        nodes[child] = .value
      }
    }
    nodes[path] = .table(fields)
  }
}
