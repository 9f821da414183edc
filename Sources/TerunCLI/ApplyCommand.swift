import ArgumentParser
import Foundation
import Runbook
import Scheduler
import ThousandEyes

/// `terun apply PLAN`: applies a plan saved by `terun run RUNBOOK --plan-out PLAN`.
struct ApplyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "apply",
    abstract: "Apply a saved plan (from terun run --plan-out).",
    discussion: """
      Writes run in the plan's order; values known only after apply (a new user's uid) are taken \
      from earlier responses. Before anything is sent, the whole plan is checked: each write must be \
      what its operationId says (exit 2 otherwise), the plan must be unedited, made from the runbook \
      as it is now, younger than --max-plan-age and not applied before (exit 5 otherwise, unless \
      --force). Every object the plan updates or deletes is re-read, and so is every collection a \
      create could duplicate (user email, test name and type, alert rule, role and suppression window \
      name); each is checked again just before its write. If one changed, apply stops with exit 5 \
      and sends nothing further (use --force to apply anyway).

      A plan is applied once: its progress is recorded in TERUN_STATE_DIR (default \
      ~/.local/state/terun) under plans/. If a write fails, the report names the writes applied; \
      --resume continues from the first write not applied and never sends an applied write again.

      apply is meant for a real API or a standalone `terun sim` that holds the state the plan was \
      made against; --sim starts a fresh simulator, which holds only its seed data.
      """)

  @Argument(help: ArgumentHelp("The plan file (JSON).", valueName: "plan"))
  var plan: String

  @Flag(
    help:
      "Apply even when objects changed since the plan, the plan or runbook changed, the plan is old or was applied before, or the base URL differs."
  )
  var force = false

  @Flag(help: "Continue a plan that stopped part-way, from its first write not applied.")
  var resume = false

  @Option(
    name: .customLong("max-plan-age"),
    help: ArgumentHelp("Refuse plans older than this (e.g. 30m, 24h, 72h).", valueName: "duration"))
  var maxPlanAge = "24h"

  @OptionGroup(title: "API")
  var connection: ConnectionOptions

  @OptionGroup(title: "Summary")
  var summary: SummaryOptions

  func run() async throws {
    try await summary.reporting(command: "apply", runbook: nil) { summary in
      try await apply(&summary)
    }
  }

  private func apply(_ summary: inout CommandSummary) async throws {
    let plan = try PlanFile.read(self.plan)
    summary.runbook = plan.runbook.name
    summary.writes.planned = plan.writes.count
    let maxAge: DurationSpec
    do {
      maxAge = try DurationSpec(parsing: maxPlanAge)
    } catch let error as LimitParseError {
      throw CommandFailure(.usage, "--max-plan-age: \(error.message)")
    }
    var options = PlanApplier.Options()
    options.force = force
    options.resume = resume
    options.maxAge = maxAge.seconds
    options.state = PlanStateStore(stateDirectory: StateDirectory.fromEnvironment().path)
    options.runbookSource = Self.currentRunbook(named: plan.runbook.name)
    if options.runbookSource == nil {
      Terun.printError(
        "note: the runbook \(plan.runbook.name) was not found here; apply does not check that it is unchanged",
        prefixed: false)
    }
    try PlanConsistency.check(plan)
    try await self.connection.withConnection { connection in
      guard var client = connection.client, client.token != nil else {
        throw CommandFailure(.auth, "\(ConfigurationError.missingToken)")
      }
      let base = client.baseURL.absoluteString
      if base != plan.baseUrl && !force {
        throw CommandFailure(
          .usage,
          "the plan was made against \(plan.baseUrl), not \(base); apply it there, or use --force")
      }
      // The plan's writes and snapshots are of its account group: another one (--aid, TE_AID,
      // a profile) would send its creates there.
      if let given = client.aid, given != plan.aid, !force {
        let planned = plan.aid.map { "account group \($0)" } ?? "the token's default account group"
        throw CommandFailure(
          .usage,
          "the plan was made for \(planned), not account group \(given) (--aid, TE_AID or the profile); "
            + "apply it without another account group, or use --force")
      }
      if client.aid == nil { client.aid = plan.aid }
      let apiClient = try ThousandEyesClient(configuration: client)
      defer { summary.add(apiClient.statistics.snapshot) }
      try await withAsyncCleanup {
        try await ApplyRunner.apply(plan, client: apiClient, options: options)
      } cleanup: {
        try? await apiClient.shutdown()
      }
    }
  }

  /// The source of the runbook a plan names, as it is now, or `nil` when it cannot be found.
  static func currentRunbook(named name: String) -> [UInt8]? {
    if name.hasPrefix("builtin:") {
      return BuiltinLibrary.runbooks[String(name.dropFirst("builtin:".count))].map { Array($0.utf8) }
    }
    return FileManager.default.contents(atPath: name).map(Array.init)
  }
}

/// Applies a plan and reports each write on stdout, then a summary line.
enum ApplyRunner {
  static func apply(_ plan: Plan, client: ThousandEyesClient, options: PlanApplier.Options) async throws {
    let applier = PlanApplier(client: client, options: options) { line in
      if line.hasPrefix("warning:") {
        Terun.printError(line, prefixed: false)
      } else {
        DryRunOptions.writeOut(line + "\n")
      }
    }
    let steps = try await applier.apply(plan)
    let count = { (action: WriteAction) in steps.filter { $0.write.action == action }.count }
    DryRunOptions.writeOut(
      "Apply complete: \(count(.create)) created, \(count(.update)) updated, \(count(.delete)) deleted.\n")
  }
}
