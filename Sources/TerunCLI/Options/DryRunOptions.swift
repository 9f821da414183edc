import ArgumentParser
import Foundation
import Runbook
import Scheduler
import ThousandEyes

/// `terun run` options for planning: `--dry-run`, `--plan-out`, `--confirm`,
/// `--detailed-exitcode` (docs/plan-format.md, docs/architecture.md "Dry run and apply").
struct DryRunOptions: ParsableArguments {
  @Flag(help: "Plan only: reads run live; writes are recorded, shown as a plan, and not sent.")
  var dryRun = false

  @Option(
    name: .customLong("plan-out"),
    help: ArgumentHelp("Also save the plan as JSON, for terun apply (implies --dry-run).", valueName: "file"))
  var planOut: String?

  @Flag(help: "Plan first, show the plan, ask y/N on the terminal, then apply exactly that plan.")
  var confirm = false

  @Flag(
    name: .customLong("detailed-exitcode"),
    help:
      "For CI (implies --dry-run): exit 0 when nothing would change, 2 when changes are planned, 1 on any error."
  )
  var detailedExitcode = false

  func validate() throws {
    if confirm && (dryRun || detailedExitcode) {
      throw ValidationError(
        "--confirm applies the plan; it cannot be used with --dry-run or --detailed-exitcode")
    }
  }

  /// Whether the run plans instead of writing.
  var isPlanning: Bool { dryRun || confirm || planOut != nil || detailedExitcode }

  /// With `--detailed-exitcode`, every failure ends with 1 (2 means "changes planned").
  func exitError(for error: any Error) -> any Error {
    guard detailedExitcode else { return error }
    if let exit = error as? ExitCode { return exit }
    let message = (error as? any TerunFailure)?.message ?? String(describing: error)
    return CommandFailure(.runbookError, message)
  }

  /// The API session of a run: with a planner when planning.
  func openSession(_ client: ClientConfiguration?) throws -> (session: TEAPISession?, planner: DryRunPlanner?)
  {
    guard let client else { return (nil, nil) }
    let apiClient = try ThousandEyesClient(configuration: client)
    let planner = isPlanning ? DryRunPlanner(client: apiClient) : nil
    return (TEAPISession(client: apiClient, planner: planner), planner)
  }

  /// After a planning run: shows the plan on stdout, saves it (`--plan-out`), applies it after
  /// a yes on the terminal (`--confirm`), and ends with 2 when changes are planned
  /// (`--detailed-exitcode`).
  /// `saved` is told the plan file's path once it is written.
  func finish(
    planner: DryRunPlanner?, session: TEAPISession?, configuration: RunConfiguration, sink: OutputSink,
    saved: (String) -> Void = { _ in }
  ) async throws {
    guard isPlanning else { return }
    sink.flush()
    if let refusals = planner?.refusals, !refusals.isEmpty {
      // The runbook caught the errors, but a plan without those writes is not the plan it meant.
      throw CommandFailure(
        .runbookError,
        "the plan is not saved: \(refusals.count) planned write(s) would be refused by the API: "
          + refusals.map(\.message).joined(separator: "; "))
    }
    let plan =
      planner?.makePlan(source: configuration.source, parameters: configuration.parameters)
      ?? Plan(
        runbook: PlanRunbook(name: configuration.source.displayName, source: configuration.source.bytes),
        parameters: configuration.parameters.mapValues(DryRunPlanner.json),
        baseUrl: configuration.client?.baseURL.absoluteString ?? "", aid: configuration.client?.aid,
        writes: [])
    if let planOut {
      try PlanFile.write(plan, to: planOut)
      saved(planOut)
      Terun.printError(
        "plan saved to \(planOut) (\(plan.writes.count) write(s)); apply it with: terun apply \(planOut)",
        prefixed: false)
    }
    Self.writeOut(PlanRenderer.render(plan, color: Self.useColor(fd: 1)))
    if confirm {
      try await confirmAndApply(plan, session: session)
    } else if detailedExitcode && plan.hasChanges {
      throw ExitCode(2)
    }
  }

  private func confirmAndApply(_ plan: Plan, session: TEAPISession?) async throws {
    guard plan.hasChanges, let session else {
      Terun.printError("nothing to apply", prefixed: false)
      return
    }
    guard isatty(0) == 1 else {
      throw CommandFailure(
        .usage,
        "--confirm asks on a terminal and stdin is not one; nothing was applied. "
          + "Save the plan with --plan-out FILE, review it, then run terun apply FILE")
    }
    FileHandle.standardError.write(Data("Apply these \(plan.writes.count) change(s)? [y/N] ".utf8))
    let answer = (readLine() ?? "").trimmingCharacters(in: .whitespaces).lowercased()
    guard answer == "y" || answer == "yes" else {
      Terun.printError("not applied", prefixed: false)
      return
    }
    // The plan just shown, applied once: recorded like a saved plan.
    var options = PlanApplier.Options()
    options.state = PlanStateStore(stateDirectory: StateDirectory.fromEnvironment().path)
    try await ApplyRunner.apply(try plan.sealed(), client: session.client, options: options)
  }

  /// Whether to colour output on `fd`: a terminal and `NO_COLOR` unset or empty.
  static func useColor(fd: Int32) -> Bool {
    isatty(fd) == 1 && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
  }

  /// Writes to stdout; a closed pipe (`terun ... | head`) is not a crash.
  static func writeOut(_ text: String) {
    try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
  }
}
