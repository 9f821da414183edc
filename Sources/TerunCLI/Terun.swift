import ArgumentParser

/// The `terun` command: runs ThousandEyes runbooks in a Lua sandbox.
///
/// `terun RUNBOOK key=value ...` is shorthand for `terun run RUNBOOK key=value ...`.
public struct Terun: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "terun",
    abstract: "Run ThousandEyes runbooks (Lua scripts) in a sandbox.",
    discussion: """
      terun RUNBOOK key=value ... is shorthand for terun run RUNBOOK key=value ...

      Exit codes: 0 ok, 1 runbook error, 2 usage error, 3 limit exceeded or sandbox violation, \
      4 authentication failure, 5 plan drift.
      """,
    subcommands: Terun.subcommandTypes,
    defaultSubcommand: RunCommand.self
  )

  /// The subcommands, in the order `terun --help` lists them.
  static var subcommandTypes: [any ParsableCommand.Type] {
    [RunCommand.self, DescribeCommand.self, ReplCommand.self] + additionalSubcommands
  }

  public init() {}
}
