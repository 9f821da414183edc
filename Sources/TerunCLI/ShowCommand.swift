import ArgumentParser
import Foundation
import Runbook

/// `terun show PLAN [--json]`: prints a saved plan as the dry run showed it (the counterpart of
/// `terraform show`).
struct ShowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show",
    abstract: "Print a saved plan (from terun run --plan-out) as the dry run showed it.",
    discussion: """
      The plan is printed as the dry run printed it, coloured when stdout is a terminal and \
      NO_COLOR is unset. --json prints the plan file's JSON instead (docs/plan-format.md). The plan \
      is read and checked (format and version), never applied.
      """)

  @Argument(help: ArgumentHelp("The plan file (JSON).", valueName: "plan"))
  var plan: String

  @Flag(help: "Print the plan as JSON, for machines.")
  var json = false

  func run() throws {
    let plan = try PlanFile.read(self.plan)
    if json {
      DryRunOptions.writeOut(String(decoding: try plan.jsonBytes(), as: UTF8.self))
    } else {
      DryRunOptions.writeOut(PlanRenderer.render(plan, color: DryRunOptions.useColor(fd: 1)))
    }
  }
}
