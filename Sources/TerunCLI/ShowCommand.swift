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
      is read and checked (format and version), never applied. When terun apply would refuse it \
      (its writes do not hold together, or it was edited after it was made), a warning on stderr \
      says why: what is shown is then not what apply would do.
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
    do {
      try PlanConsistency.check(plan)
    } catch let failure as PlanInconsistencyError {
      Terun.printError("warning: terun apply refuses this plan: \(failure.message)", prefixed: false)
    }
    if let digest = plan.digest, digest != (try? plan.computedDigest()) {
      Terun.printError(
        "warning: the plan file was edited after it was made (its content no longer matches its digest); "
          + "terun apply refuses it unless --force",
        prefixed: false)
    } else if plan.digest == nil {
      Terun.printError(
        "warning: the plan has no digest, so edits to it cannot be detected; terun apply refuses it unless --force",
        prefixed: false)
    }
  }
}
