import Foundation
import LuaHost
import ThousandEyes

/// Installs `te.run_runbook(name, params [, opts])` into a runbook test: it runs another
/// runbook through the real runner (its own sandboxed state, parameters bound from
/// `key=value` text as on the command line, the same API client), live or as a dry run,
/// and returns what it did:
///
/// ```lua
/// local r = te.run_runbook("export_latency", { test_id = 123456, out = "-" })
/// -- r.ok, r.status (exit status), r.error (message), r.stdout, r.log (stderr text),
/// -- r.files (path under the output folder -> contents), r.plan (dry runs only:
/// -- { writes = n, creates = n, updates = n, deletes = n, text = "...", items = {...} })
/// local d = te.run_runbook("toggle_interval", { test_id = 123456 }, { dry_run = true })
/// ```
///
/// `name` is a path (relative to the test's folder) or a name looked up beside the test, in
/// `TERUN_PATH`, then among the built-in runbooks. Path parameters are resolved against the
/// test's output folder, where the test's own `te.fs.write` puts files.
public struct NestedRunbookInstaller: TEModuleInstaller {
  /// The client the nested runs share with the test.
  public let client: ThousandEyesClient

  /// Creates an installer whose nested runs talk through `client`.
  public init(client: ThousandEyesClient) {
    self.client = client
  }

  public func install(into module: TEModule, context: RunContext) throws {
    let client = self.client
    module.setFunction("run_runbook") { call in
      let result = try NestedRun(call: call, context: context, client: client).run(state: call.state)
      try call.push(result)
      return 1
    }
  }
}

/// One `te.run_runbook` call.
struct NestedRun {
  let name: String
  let arguments: [String]
  let dryRun: Bool
  let context: RunContext
  let client: ThousandEyesClient

  init(call: LuaCallContext, context: RunContext, client: ThousandEyesClient) throws {
    name = try call.string(1)
    let params = try call.argument(2)
    let options = try call.argument(3)
    guard params == .nil || params.tableValue != nil else {
      throw call.argumentError(2, expected: "table")
    }
    guard options == .nil || options.tableValue != nil else {
      throw call.argumentError(3, expected: "table")
    }
    dryRun = options["dry_run"] == .boolean(true)
    arguments = try (params.tableValue?.fields ?? [:]).sorted { $0.key < $1.key }.map { key, value in
      "\(key)=\(try Self.argumentText(value, name: key))"
    }
    self.context = context
    self.client = client
  }

  /// The command-line spelling of a parameter value: lists joined by commas.
  static func argumentText(_ value: LuaValue, name: String) throws -> String {
    if case .table(let table) = value {
      guard table.fields.isEmpty, table.other.isEmpty else {
        throw LuaScriptError("te.run_runbook: parameter '\(name)' must be a value or a list")
      }
      return try table.array.map { try argumentText($0, name: name) }.joined(separator: ",")
    }
    guard let text = value.scalarText else {
      throw LuaScriptError("te.run_runbook: parameter '\(name)' cannot be a \(value.typeName)")
    }
    return text
  }

  func run(state: LuaState) throws -> LuaValue {
    let parent = context.configuration
    let folder = parent.source.folder ?? FileManager.default.currentDirectoryPath
    let outputDirectory = try Self.makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: outputDirectory) }
    let capture = try CapturedOutput()
    defer { capture.remove() }

    var fields: [String: LuaValue] = [:]
    var planner: DryRunPlanner?
    var configuration: RunConfiguration?
    do {
      let source = try RunbookLocator.locate(
        name, searchPath: [folder] + parent.searchPath, currentDirectory: folder)
      try Self.checkRunbookFile(of: source, named: name, parent: parent)
      let header = try RunbookHeader.parse(source: source.bytes, file: source.displayName)
      let values = try ParameterBinder.bind(arguments, to: header, relativeTo: parent.outputDirectory)
      try Self.checkPathArguments(values, of: header, parent: parent)
      let run = RunConfiguration(
        source: source, header: header, parameters: values, outputDirectory: outputDirectory,
        limits: parent.limits, logThreshold: .info, searchPath: parent.searchPath, dryRun: dryRun,
        client: client.configuration)
      configuration = run
      planner = dryRun ? DryRunPlanner(client: client) : nil
      let sink = OutputSink(stdout: capture.stdout, stderr: capture.stderr)
      let installers: [any TEModuleInstaller] = [TEAPIInstaller(client: client, planner: planner)]
      try RunbookRunner(configuration: run, sink: sink, installers: installers).runOnCurrentThread().check()
      fields["ok"] = .boolean(true)
      fields["status"] = .integer(0)
    } catch let violation as LuaSandboxViolation {
      throw violation  // the calling runbook's own: it stops
    } catch {
      let message = (error as? any TerunFailure)?.message ?? String(describing: error)
      fields["ok"] = .boolean(false)
      fields["status"] = .integer(Int64(ExitStatus.of(error).rawValue))
      fields["error"] = .text(message)
    }
    // What the nested run printed and wrote is read back whole: it must fit the calling
    // run's memory cap (twice: the bytes read, then the Lua strings), or the run stops there.
    let produced = capture.size + Self.size(under: outputDirectory)
    if produced > state.memoryAvailable / 2 { throw state.memoryLimitExceeded() }
    fields["stdout"] = .string(capture.read(capture.stdout))
    fields["log"] = .string(capture.read(capture.stderr))
    fields["files"] = .table(Self.files(under: outputDirectory))
    if let planner, let configuration {
      fields["plan"] = Self.planValue(
        planner.makePlan(source: configuration.source, parameters: configuration.parameters))
    }
    return .table(LuaTable(fields: fields))
  }

  /// A file the nested run may read because the calling runbook named it must be one the
  /// calling runbook may read itself (its folder, its output folder, the paths it was given):
  /// otherwise a runbook could read any file through a nested run's path parameter.
  static func checkPathArguments(
    _ values: [String: ParameterValue], of header: RunbookHeader, parent: RunConfiguration
  ) throws {
    let grants = try readGrants(of: parent)
    for spec in header.parameters {
      guard case .path(let path)? = values[spec.name], values[spec.name] != spec.defaultValue else {
        continue
      }
      do {
        _ = try grants.resolveReadPath(path)
      } catch let refusal as LuaSandboxViolation {
        throw LuaSandboxViolation(
          "te.run_runbook: parameter \(spec.name) names '\(path)', which this runbook may not read ("
            + refusal.message + ")")
      }
    }
  }

  /// The file of a nested runbook must be one the calling runbook may read itself, unless it
  /// lies in the user's library (`TERUN_PATH`) or is built in: otherwise
  /// `te.run_runbook("/proc/self/environ")`, `te.run_runbook("../../secret.lua")` or a symlink
  /// beside the test would run, and show through its output and errors, any file.
  static func checkRunbookFile(of source: RunbookSource, named name: String, parent: RunConfiguration) throws
  {
    guard let sourceFolder = source.folder else { return }
    let file = (sourceFolder as NSString).appendingPathComponent(
      (source.displayName as NSString).lastPathComponent)
    let standardized = (file as NSString).standardizingPath
    if parent.searchPath.contains(where: {
      FileSandbox.isInside(standardized, ($0 as NSString).standardizingPath)
    }) {
      return
    }
    do {
      _ = try readGrants(of: parent).resolveReadPath(file)
    } catch let refusal as LuaSandboxViolation {
      throw LuaSandboxViolation(
        "te.run_runbook: '\(name)' is a file this runbook may not read (" + refusal.message + ")")
    }
  }

  /// What the calling runbook may read: its folder, its output folder, the paths it was given;
  /// never the token file.
  static func readGrants(of parent: RunConfiguration) throws -> FileSandbox {
    try FileSandbox(
      readRoots: (parent.source.folder.map { [$0] } ?? []) + [parent.outputDirectory],
      extraReadablePaths: parent.readablePathParameters, defaultReadablePaths: parent.defaultPathParameters,
      deniedPaths: parent.client?.tokenFile.map { [$0] } ?? [], outDir: parent.outputDirectory)
  }

  static func planValue(_ plan: Plan) -> LuaValue {
    let items = plan.writes.map { write -> LuaValue in
      var item: [String: LuaValue] = [
        "action": .text(write.action.rawValue), "method": .text(write.method), "path": .text(write.path),
        "operationId": .text(write.operationId),
      ]
      if let name = write.objectName { item["objectName"] = .text(name) }
      if let id = write.objectId { item["objectId"] = .text(id) }
      return .table(LuaTable(fields: item))
    }
    return .table(
      LuaTable(fields: [
        "writes": .integer(Int64(plan.writes.count)),
        "creates": .integer(Int64(plan.count(.create))),
        "updates": .integer(Int64(plan.count(.update))),
        "deletes": .integer(Int64(plan.count(.delete))),
        "text": .text(PlanRenderer.render(plan, color: false)),
        "items": .table(LuaTable(array: items)),
      ]))
  }

  /// The bytes of the regular files under `folder`.
  static func size(under folder: String) -> Int {
    (FileManager.default.subpaths(atPath: folder) ?? []).reduce(0) { total, relative in
      var info = stat()
      let path = (folder as NSString).appendingPathComponent(relative)
      guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return total }
      return total + Int(info.st_size)
    }
  }

  /// The files under `folder`: relative path -> contents.
  static func files(under folder: String) -> LuaTable {
    var table = LuaTable()
    let fileManager = FileManager.default
    for relative in (fileManager.subpaths(atPath: folder) ?? []).sorted() {
      let path = (folder as NSString).appendingPathComponent(relative)
      var isDirectory: ObjCBool = false
      guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
        let data = fileManager.contents(atPath: path)
      else { continue }
      table.fields[relative] = .string(Array(data))
    }
    return table
  }

  static func makeTemporaryFolder() throws -> String {
    var template = Array(
      (NSTemporaryDirectory() as NSString).appendingPathComponent("terun-run.XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else {
      throw LuaScriptError("te.run_runbook: cannot make a temporary folder")
    }
    return String(cString: made)
  }
}

/// Two temporary files that take a nested run's stdout and stderr.
final class CapturedOutput {
  let stdout: Int32
  let stderr: Int32
  private let paths: [String]

  init() throws {
    var opened: [(Int32, String)] = []
    for _ in 0..<2 {
      var template = Array(
        (NSTemporaryDirectory() as NSString).appendingPathComponent("terun-out.XXXXXX").utf8CString)
      let descriptor = mkstemp(&template)
      guard descriptor >= 0 else {
        for (fd, path) in opened {
          close(fd)
          unlink(path)
        }
        throw LuaScriptError("te.run_runbook: cannot make a temporary file")
      }
      opened.append((descriptor, String(cString: template)))
    }
    stdout = opened[0].0
    stderr = opened[1].0
    paths = opened.map(\.1)
  }

  /// Everything written to `descriptor` so far.
  /// The bytes captured so far (stdout and stderr).
  var size: Int {
    paths.reduce(0) { total, path in
      var info = stat()
      return stat(path, &info) == 0 ? total + Int(info.st_size) : total
    }
  }

  func read(_ descriptor: Int32) -> [UInt8] {
    let path = paths[descriptor == stdout ? 0 : 1]
    return FileManager.default.contents(atPath: path).map { Array($0) } ?? []
  }

  func remove() {
    close(stdout)
    close(stderr)
    for path in paths { unlink(path) }
  }
}
