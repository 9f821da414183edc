import ArgumentParser

extension Terun {
  /// Subcommands provided by other parts of the CLI.
  static var additionalSubcommands: [any ParsableCommand.Type] {
    [
      SimCommand.self, ScheduleCommand.self, ApplyCommand.self, ShowCommand.self, ListCommand.self,
      TestCommand.self, CheckCommand.self,
    ]
  }
}
