import ArgumentParser
import Foundation
import Runbook
import Simulator
import ThousandEyes

/// Where the `te` API calls of a run go: the built-in simulator (`--sim`) or the API named by
/// `TE_BASE_URL`, `TE_TOKEN` and `TE_AID`.
struct ConnectionOptions: ParsableArguments {
  @Flag(
    help: "Run against the built-in ThousandEyes API simulator, started in-process on a free loopback port.")
  var sim = false

  /// A connection prepared for one run; `close()` stops the in-process simulator, if any.
  struct Connection {
    let client: ClientConfiguration?
    let simulator: SimulatorServer?

    func close() async {
      await simulator?.stop()
    }
  }

  /// Starts the simulator for `--sim` (printing one notice line on stderr), else reads the
  /// environment. A missing token is not an error here: only a runbook that calls the API needs one.
  func open(environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> Connection {
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
      return Connection(
        client: ClientConfiguration(baseURL: url, token: APIToken(server.token)), simulator: server)
    }
    do {
      return Connection(
        client: try ClientConfiguration.fromEnvironment(environment, requiresToken: false), simulator: nil)
    } catch {
      throw CommandFailure(.usage, "\(error)")
    }
  }
}
