import ArgumentParser
import Foundation
import Runbook

/// `terun run RUNBOOK [key=value ...]`: runs a runbook in the sandbox.
struct RunCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a runbook.",
    discussion: """
      Parameters follow the runbook as key=value; `terun run RUNBOOK --help` lists them.
      print() goes to stdout; te.log.debug/info/warn/error go to stderr with time and level.
      """,
    helpNames: [])

  @Flag(name: [.short, .long], help: "Show help; with a runbook, also its description and parameters.")
  var help = false

  @Argument(help: "The runbook: a .lua file, or a name found in TERUN_PATH or the built-in library.")
  var runbook: String?

  @Argument(help: ArgumentHelp("The runbook's parameters.", valueName: "key=value"))
  var parameters: [String] = []

  @OptionGroup(title: "Output")
  var output: OutputOptions

  @OptionGroup(title: "Limits")
  var limits: LimitOptions

  @OptionGroup(title: "API")
  var connection: ConnectionOptions

  @OptionGroup(title: "Dry run")
  var plan: DryRunOptions

  func run() async throws {
    do {
      try await runRunbook()
    } catch {
      throw plan.exitError(for: error)
    }
  }

  private func runRunbook() async throws {
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
    let values = try ParameterBinder.bind(parameters, to: loaded.header, relativeTo: currentDirectory)
    let outputDirectory = try output.outputDirectory(currentDirectory: currentDirectory)
    let connection = try await self.connection.open()
    var configuration = RunConfiguration(
      source: loaded.source,
      header: loaded.header,
      parameters: values,
      outputDirectory: outputDirectory,
      limits: RunLimits(
        timeout: limits.timeout, maxMemory: limits.maxMemory, maxInstructions: limits.maxInstructions),
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
      await connection.close()
      throw CommandFailure(.usage, "\(error)")
    }
    let installers = session.map { [$0.installer as any TEModuleInstaller] } ?? []
    do {
      try await RunbookRunner(configuration: configuration, sink: sink, installers: installers).run()
      try await plan.finish(planner: planner, session: session, configuration: configuration, sink: sink)
    } catch {
      await session?.close()
      await connection.close()
      throw error
    }
    await session?.close()
    await connection.close()
  }
}
