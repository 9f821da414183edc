import ArgumentParser
import Foundation
import REPL
import Runbook
import ThousandEyes

/// `terun repl [--sim] [--dry-run] [--aid N]`: the runbook environment, one statement at a time.
/// The API options (`--sim`, `--aid`, ...) are those of `terun run` (``ConnectionOptions``).
struct ReplCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "repl",
    abstract: "Explore the API interactively: Lua with te, the stdlib and the sandbox.",
    discussion: """
      An expression prints its value; an unfinished statement continues on the next line (>>).
      Commands: :help, :plan, :apply, :load FILE [key=value ...], :quit. History is kept in
      ~/.terun_history. --timeout and --max-instructions apply to each statement; --max-memory
      to the session. Without a terminal, statements are read from stdin with no prompts.
      """)

  @Flag(name: .customLong("dry-run"), help: "Plan writes instead of sending them (see :plan and :apply).")
  var dryRun = false

  @OptionGroup(title: "Output")
  var output: OutputOptions

  @OptionGroup(title: "Limits")
  var limits: LimitOptions

  @OptionGroup(title: "API")
  var connection: ConnectionOptions

  func run() async throws {
    let currentDirectory = FileManager.default.currentDirectoryPath
    let outputDirectory = try output.outputDirectory(currentDirectory: currentDirectory)
    let status = try await connection.withConnection { connection in
      let client = connection.client
      if dryRun && client == nil {
        throw CommandFailure(.usage, "--dry-run needs an API: use --sim or set TE_BASE_URL and TE_TOKEN")
      }
      var configuration = RunConfiguration(
        source: RunbookSource(displayName: "stdin", bytes: [], folder: currentDirectory),
        header: RunbookHeader(),
        parameters: [:],
        outputDirectory: outputDirectory,
        limits: RunLimits(maxMemory: limits.maxMemory),
        logThreshold: output.logThreshold,
        searchPath: RunbookLocator.searchPath(from: ProcessInfo.processInfo.environment),
        dryRun: dryRun)
      configuration.client = client
      let apiClient: ThousandEyesClient?
      do {
        apiClient = try client.map { try ThousandEyesClient(configuration: $0) }
      } catch {
        throw CommandFailure(.usage, "\(error)")
      }
      let statementLimits = StatementLimits(
        maxInstructions: limits.maxInstructions, timeout: limits.timeout?.seconds)
      let sink = OutputSink()
      let driver = REPLDriver(
        interactive: isatty(0) != 0, historyPath: REPLDriver.defaultHistoryPath(), sink: sink
      ) {
        try REPLSession(configuration: configuration, client: apiClient, limits: statementLimits, sink: sink)
      }
      return try await withAsyncCleanup {
        let status = await driver.run()
        sink.flush()
        return status
      } cleanup: {
        try? await apiClient?.shutdown()
      }
    }
    if status != 0 { throw ExitCode(status) }
  }
}
