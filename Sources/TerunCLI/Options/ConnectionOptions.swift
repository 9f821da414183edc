import ArgumentParser
import Foundation
import Runbook
import Scheduler
import Simulator
import ThousandEyes

/// Where the `te` API calls of a run go: the built-in simulator (`--sim`) or the API named by
/// `TE_BASE_URL`, `TE_TOKEN` and `TE_AID`.
struct ConnectionOptions: ParsableArguments {
  @Flag(
    help: "Run against the built-in ThousandEyes API simulator, started in-process on a free loopback port.")
  var sim = false

  @Option(
    name: .customLong("base-url"),
    help: ArgumentHelp(
      "The API origin, without /v7 (default: TE_BASE_URL, else https://api.thousandeyes.com).",
      valueName: "url"))
  var baseURL: String?

  @Option(
    name: .customLong("token-file"),
    help: ArgumentHelp(
      "Read the bearer token from the first line of this file instead of TE_TOKEN.", valueName: "file"))
  var tokenFile: String?

  @Option(help: ArgumentHelp("The account group for every request (default: TE_AID).", valueName: "id"))
  var aid: String?

  @Option(
    help: ArgumentHelp(
      "Use this profile of ~/.config/terun/config.yaml (base_url, token_file, aid; default: TERUN_PROFILE). "
        + "Options given here win over the profile.",
      valueName: "name"))
  var profile: String?

  @Option(
    help: ArgumentHelp(
      "Append one JSON line per request (time, method, path, query, status, duration, attempt, bytes).",
      valueName: "file"))
  var audit: String?

  @Option(
    name: .customLong("connect-timeout"),
    help: ArgumentHelp("Connection timeout: 500ms, 10s, ... (default 10s).", valueName: "duration"))
  var connectTimeout: String?

  @Option(
    name: .customLong("read-timeout"),
    help: ArgumentHelp("Read timeout: 30s, 2m, ... (default 60s).", valueName: "duration"))
  var readTimeout: String?

  @Option(
    name: .customLong("max-concurrency"),
    help: ArgumentHelp(
      "The most requests te.parallel keeps in flight (default 8; its default concurrency comes from the "
        + "rate limit and the measured latency, up to this).",
      valueName: "n"))
  var maxConcurrency: Int?

  /// A connection prepared for one run; `close()` stops the in-process simulator, if any.
  struct Connection {
    let client: ClientConfiguration?
    let simulator: SimulatorServer?

    func close() async {
      await simulator?.stop()
    }
  }

  /// Opens the connection (`open(environment:)`), runs `body` with it and closes it, however
  /// `body` ends.
  func withConnection<Result>(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    _ body: (Connection) async throws -> Result
  ) async throws -> Result {
    let connection = try await open(environment: environment)
    return try await withAsyncCleanup({ try await body(connection) }, cleanup: connection.close)
  }

  /// Starts the simulator for `--sim` (printing one notice line on stderr), else reads the
  /// environment. A missing token is not an error here: only a runbook that calls the API needs one.
  func open(environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> Connection {
    if aid?.lowercased() == "all" {
      throw CommandFailure(
        .usage,
        "--aid all: a run talks to one account group at a time; to cover every group, give the runbook "
          + "all_groups=true (tests_inventory, create_role, ...) or use te.account_groups.each(fn) in it")
    }
    if sim {
      var options = SimulatorOptions()
      options.host = "127.0.0.1"
      options.port = 0
      let server: SimulatorServer
      do {
        server = try await SimulatorServer.start(options)
      } catch {
        throw CommandFailure(.runbookError, "cannot start the built-in simulator: \(error)")
      }
      Terun.printError("running against the built-in simulator (\(server.baseURL))")
      guard let url = URL(string: server.baseURL) else {
        await server.stop()
        throw CommandFailure(.runbookError, "the simulator gave an invalid address \(server.baseURL)")
      }
      var configuration = ClientConfiguration(baseURL: url, token: APIToken(server.token), aid: aid)
      // The simulator has its own token, but a token file the user named (or the profile's)
      // still holds the real one: the sandbox never lets a runbook read it.
      configuration.tokenFile =
        tokenFile ?? (try? Profile.selected(name: self.profile, environment: environment))??.tokenFile
      try apply(to: &configuration, environment: environment)
      return Connection(client: configuration, simulator: server)
    }
    var configuration: ClientConfiguration
    let profile = try Profile.selected(name: self.profile, environment: environment)
    do {
      configuration = try ClientConfiguration.fromEnvironment(
        environment, baseURL: baseURL ?? profile?.baseURL, tokenFile: tokenFile ?? profile?.tokenFile,
        aid: aid ?? profile?.aid, requiresToken: false)
    } catch let error as ConfigurationError where error.isTokenProblem {
      // A token that cannot be used is an authentication failure (exit 4); never shown.
      throw CommandFailure(.auth, "\(error)")
    } catch {
      throw CommandFailure(.usage, "\(error)")
    }
    try apply(to: &configuration, environment: environment)
    return Connection(client: configuration, simulator: nil)
  }

  /// Applies the options that hold for the simulator and the real API alike.
  private func apply(to configuration: inout ClientConfiguration, environment: [String: String]) throws {
    configuration.auditFile = audit
    // Every terun on this host (runs, scheduled jobs, the REPL) paces from one shared budget.
    configuration.sharedBudgetFile = SharedRateBudget.path(
      inStateDirectory: StateDirectory.fromEnvironment(environment).path)
    if let maxConcurrency {
      guard maxConcurrency >= 1 else {
        throw CommandFailure(.usage, "--max-concurrency: expected a positive integer, got \(maxConcurrency)")
      }
      configuration.maxConcurrency = maxConcurrency
    }
    if let connectTimeout {
      configuration.connectTimeout = try Self.duration(connectTimeout, option: "--connect-timeout")
    }
    if let readTimeout {
      configuration.readTimeout = try Self.duration(readTimeout, option: "--read-timeout")
    }
  }

  private static func duration(_ text: String, option: String) throws -> Duration {
    do {
      return try DurationSpec(parsing: text).duration
    } catch {
      throw CommandFailure(.usage, "\(option): \(error)")
    }
  }
}
