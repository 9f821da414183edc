import ArgumentParser
import Foundation
import Runbook

/// `terun run RUNBOOK [key=value ...]`: runs a runbook in the sandbox.
struct RunCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a runbook.",
    discussion: """
      Parameters follow the runbook as key=value; `terun run RUNBOOK --help` lists them. \
      --params FILE reads them from a YAML or JSON file; key=value arguments override it.
      print() goes to stdout; te.log.debug/info/warn/error go to stderr with time and level.
      A run stops after --timeout (default \(RunCommand.defaultTimeout.spelling)).
      """,
    helpNames: [])

  @Flag(name: [.short, .long], help: "Show help; with a runbook, also its description and parameters.")
  var help = false

  @Argument(help: "The runbook: a .lua file, or a name found in TERUN_PATH or the built-in library.")
  var runbook: String?

  @Argument(help: ArgumentHelp("The runbook's parameters.", valueName: "key=value"))
  var parameters: [String] = []

  @Option(
    name: .customLong("params"),
    help: ArgumentHelp(
      "Read the runbook's parameters from this YAML or JSON file; key=value arguments override it.",
      valueName: "file"))
  var parameterFile: String?

  @OptionGroup(title: "Summary")
  var summary: SummaryOptions

  @OptionGroup(title: "Output")
  var output: OutputOptions

  @OptionGroup(title: "Limits")
  var limits: LimitOptions

  @OptionGroup(title: "API")
  var connection: ConnectionOptions

  @OptionGroup(title: "Dry run")
  var plan: DryRunOptions

  /// The wall-clock limit of a run when `--timeout` is not given.
  static let defaultTimeout = try! DurationSpec(parsing: "1h")

  func run() async throws {
    try await summary.reporting(command: "run", runbook: help ? nil : runbook) { summary in
      do {
        try await runRunbook(&summary)
      } catch {
        throw plan.exitError(for: error)
      }
    }
  }

  private func runRunbook(_ summary: inout CommandSummary) async throws {
    if help {
      if let runbook {
        let loaded = try LoadedRunbook(argument: runbook)
        print(RunbookDescription.render(loaded.header, runbook: runbook))
      }
      print(Terun.helpMessage(for: RunCommand.self))
      return
    }
    guard let runbook else {
      throw CommandFailure(.usage, "missing the runbook to run (usage: terun run RUNBOOK [key=value ...])")
    }
    let currentDirectory = FileManager.default.currentDirectoryPath
    let loaded = try LoadedRunbook(argument: runbook)
    var arguments = parameters
    if let parameterFile {
      arguments = try ParameterFile(path: parameterFile).merged(with: parameters, header: loaded.header)
    }
    let values = try ParameterBinder.bind(arguments, to: loaded.header, relativeTo: currentDirectory)
    let outputDirectory = try output.outputDirectory(currentDirectory: currentDirectory)
    try await self.connection.withConnection { connection in
      var configuration = RunConfiguration(
        source: loaded.source,
        header: loaded.header,
        parameters: values,
        outputDirectory: outputDirectory,
        limits: RunLimits(
          timeout: limits.timeout ?? Self.defaultTimeout, maxMemory: limits.maxMemory,
          maxInstructions: limits.maxInstructions),
        logThreshold: output.logThreshold,
        searchPath: RunbookLocator.searchPath(from: ProcessInfo.processInfo.environment))
      configuration.client = connection.client
      configuration.dryRun = plan.isPlanning
      configuration.appliesAfterConfirmation = plan.confirm
      let sink = OutputSink()
      defer { sink.flush() }
      let session: TEAPISession?
      let planner: DryRunPlanner?
      do {
        (session, planner) = try plan.openSession(connection.client)
      } catch {
        throw CommandFailure(.usage, "\(error)")
      }
      let installers = session.map { [$0.installer as any TEModuleInstaller] } ?? []
      summary.dryRun = configuration.dryRun
      defer {
        if let session { summary.add(session.client.statistics.snapshot) }
        if let planner {
          summary.writes.planned = planner.makePlan(source: loaded.source, parameters: values).writes.count
        }
      }
      try await withAsyncCleanup {
        let outcome = try await RunbookRunner(
          configuration: configuration, sink: sink, installers: installers
        )
        .run()
        summary.filesWritten = outcome.filesWritten
        summary.failedItems = outcome.failedItems
        do {
          try await plan.finish(planner: planner, session: session, configuration: configuration, sink: sink)
          {
            summary.filesWritten.append($0)
          }
        } catch let exit as ExitCode where outcome.failure != nil && exit.rawValue == 2 {
          // Failed items win over "changes planned" (--detailed-exitcode).
        }
        sink.flush()
        // Failed items (te.fail_count) fail the run, after its summary and plan.
        try outcome.check()
      } cleanup: {
        await session?.close()
      }
    }
  }
}
