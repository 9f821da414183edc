import ArgumentParser
import Foundation
import Runbook

extension Terun {
  /// Parses `arguments` (without the program name), runs the command and returns the exit status.
  /// Every failure is printed here, once, and mapped by `ExitStatus.of(_:)`; errors of argument
  /// parsing are usage errors (2).
  public static func execute(_ arguments: [String]) async -> Int32 {
    let routed = routeShorthand(arguments)
    var command: any ParsableCommand
    do {
      command = try parseAsRoot(routed)
    } catch {
      return report(parseError: error)
    }
    do {
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
      return ExitStatus.ok.rawValue
    } catch let exit as ExitCode {
      return exit.rawValue
    } catch let failure as any TerunFailure {
      printError(failure.message)
      return failure.exitStatus.rawValue
    } catch  where isArgumentParserOutcome(error) {
      return report(parseError: error)
    } catch {
      printError(String(describing: error))
      return ExitStatus.of(error).rawValue
    }
  }

  /// Whether ArgumentParser itself owns `error`: a help, version or completion request (`terun
  /// help`, `CleanExit`) or a usage error (`ValidationError`, its parser's errors). The library
  /// classifies those as a clean exit or a validation failure; any other error it reports as a
  /// plain failure, and terun maps it itself.
  static func isArgumentParserOutcome(_ error: any Error) -> Bool {
    let code = exitCode(for: error)
    return code == .success || code == .validationFailure
  }

  /// Inserts `run` when the first argument is neither a subcommand nor a root option, so that
  /// `terun RUNBOOK ...`, `terun --sim RUNBOOK ...` and `terun RUNBOOK --help` reach `run`.
  /// With no arguments at all, the root help is shown.
  static func routeShorthand(_ arguments: [String]) -> [String] {
    guard let first = arguments.first else { return ["--help"] }
    let names = Set(subcommandTypes.compactMap { $0.configuration.commandName })
    let rootOptions: Set<String> = ["-h", "--help", "help", "--version", "--generate-completion-script"]
    if names.contains(first) || rootOptions.contains(first)
      || first.hasPrefix("--generate-completion-script") || first.hasPrefix("--experimental")
    {
      return arguments
    }
    return ["run"] + arguments
  }

  private static func report(parseError error: any Error) -> Int32 {
    let code = exitCode(for: error)
    let message = fullMessage(for: error)
    if code == .success {
      if !message.isEmpty { print(message) }
      return ExitStatus.ok.rawValue
    }
    if !message.isEmpty { printError(message, prefixed: false) }
    return ExitStatus.usage.rawValue
  }

  static func printError(_ message: String, prefixed: Bool = true) {
    let text = (prefixed ? "terun: " : "") + message + (message.hasSuffix("\n") ? "" : "\n")
    FileHandle.standardError.write(Data(text.utf8))
  }
}
