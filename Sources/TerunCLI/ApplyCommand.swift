import ArgumentParser
import Foundation
import Runbook
import ThousandEyes

/// `terun apply PLAN`: applies a plan saved by `terun run RUNBOOK --plan-out PLAN`.
struct ApplyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "apply",
    abstract: "Apply a saved plan (from terun run --plan-out).",
    discussion: """
      Writes run in the plan's order; values known only after apply (a new user's uid) are taken \
      from earlier responses. Before anything is sent, and again before each update or delete, the \
      object is re-read: if it changed since the plan, apply stops with exit 5 and sends nothing \
      further (use --force to apply anyway). A plan made against another API base URL is refused \
      unless --force.

      apply is meant for a real API or a standalone `terun sim` that holds the state the plan was \
      made against; --sim starts a fresh simulator, which holds only its seed data.
      """)

  @Argument(help: ArgumentHelp("The plan file (JSON).", valueName: "plan"))
  var plan: String

  @Flag(help: "Apply even when objects changed since the plan or the base URL differs.")
  var force = false

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
    let connection = try await self.connection.open()
    do {
      guard var client = connection.client, client.token != nil else {
        throw CommandFailure(.usage, "terun apply needs TE_TOKEN (or --sim)")
      }
      let base = client.baseURL.absoluteString
      if base != plan.baseUrl && !force {
        throw CommandFailure(
          .usage,
          "the plan was made against \(plan.baseUrl), not \(base); apply it there, or use --force")
      }
      if client.aid == nil { client.aid = plan.aid }
      let apiClient = try ThousandEyesClient(configuration: client)
      defer { summary.add(apiClient.statistics.snapshot) }
      do {
        try await ApplyRunner.apply(plan, client: apiClient, force: force)
      } catch {
        try? await apiClient.shutdown()
        throw error
      }
      try? await apiClient.shutdown()
    } catch {
      await connection.close()
      throw error
    }
    await connection.close()
  }
}

/// Applies a plan and reports each write on stdout, then a summary line.
enum ApplyRunner {
  static func apply(_ plan: Plan, client: ThousandEyesClient, force: Bool) async throws {
    let applier = PlanApplier(client: client, force: force) { line in
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
