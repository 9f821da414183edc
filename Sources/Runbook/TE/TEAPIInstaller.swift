import Foundation
import LuaHost
import ThousandEyes

/// Installs the ThousandEyes API into a run's `te` table: `te.get/post/put/patch/delete`,
/// `te.pages`, `te.items`, `te.call`, the resources (`te.agents`, `te.tests`, `te.results`,
/// `te.alerts`, `te.users`, `te.roles`, `te.account_groups`, `te.permissions`), `te.with_aid`,
/// `te.config`, `te.sleep` and `te.now`. See docs/te.md.
///
/// ```swift
/// let client = try ThousandEyesClient(configuration: .fromEnvironment())
/// let runner = RunbookRunner(configuration: run, sink: sink, installers: [TEAPIInstaller(client: client)])
/// try await runner.run()
/// try await client.shutdown()
/// ```
public struct TEAPIInstaller: TEModuleInstaller {
  /// The client the run's requests go through (shared, shut down by the caller).
  public let client: ThousandEyesClient
  /// Where dry-run writes go; `nil` logs them (see ``LoggingWritePlanner``).
  public let planner: TEWritePlanner?

  /// Creates an installer for `client`.
  public init(client: ThousandEyesClient, planner: TEWritePlanner? = nil) {
    self.client = client
    self.planner = planner
  }

  public func install(into module: TEModule, context: RunContext) throws {
    let state = module.state
    let bridge = TEBridge(client: client, context: context, planner: planner)
    let configuration = client.configuration
    var primitives = LuaTable()
    primitives.fields["request"] = state.function("te.request") { try bridge.request($0) }
    primitives.fields["request_start"] = state.function("te.request") { try bridge.startRequest($0) }
    primitives.fields["request_finish"] = state.function("te.request") { try bridge.finishRequest($0) }
    primitives.fields["wait_any"] = state.function("te.parallel") { try bridge.waitAny($0) }
    primitives.fields["new_group"] = state.function("te.parallel") { try bridge.newGroup($0) }
    primitives.fields["cancel"] = state.function("te.parallel") { try bridge.cancelGroup($0) }
    primitives.fields["default_concurrency"] = state.function("te.parallel") {
      try bridge.defaultConcurrency($0)
    }
    primitives.fields["pages"] = state.function("te.pages") { try bridge.pages($0) }
    primitives.fields["operation"] = state.function("te.call") { call in
      try TEBridge.pushOperation(Catalog.operation(id: try call.string(1)), call: call)
    }
    primitives.fields["match"] = state.function("te.match") { call in
      guard let method = HTTPMethodName(name: try call.string(1)) else { return 0 }
      return try TEBridge.pushOperation(Catalog.match(method: method, path: try call.string(2)), call: call)
    }
    // suggest(name, "a,b,c"): the name a typo most likely meant, or nothing.
    primitives.fields["suggest"] = state.function("te.suggest") { call in
      let names = try call.string(2).split(separator: ",").map(String.init)
      guard let best = ParameterBinder.closestName(to: try call.string(1), among: names) else { return 0 }
      try call.push(.text(best))
      return 1
    }
    primitives.fields["sleep"] = state.function("te.sleep") { try bridge.sleep($0) }
    primitives.fields["update_body"] = state.function("te.update") { try TEBridge.updateBody($0) }
    primitives.fields["raise"] = state.function("te.error") { try TEBridge.raise($0) }
    primitives.fields["now"] = state.function("te.now") { call in
      try call.push(.integer(Int64(Date().timeIntervalSince1970.rounded(.down))))
      return 1
    }
    var settings: [String: LuaValue] = [
      "base_url": .text(configuration.baseURL.absoluteString),
      "dry_run": .boolean(context.isDryRun),
      "mode": .text(context.configuration.mode.rawValue),
      "user_agent": .text(configuration.userAgent),
      "max_concurrency": .integer(Int64(max(1, configuration.maxConcurrency))),
    ]
    if let aid = configuration.aid { settings["aid"] = .text(aid) }
    primitives.fields["settings"] = .table(LuaTable(fields: settings))

    // Hand the real `te` table to the library chunks through a temporary global.
    try state.setGlobal(TELibrary.handoffGlobal, module.value)
    defer { try? state.setGlobal(TELibrary.handoffGlobal, .nil) }
    let library = try TELibrary.load(into: state)
    _ = try state.call(library.library, [.table(primitives), library.loadPart])
  }
}
