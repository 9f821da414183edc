import Foundation
import Testing

/// The outcomes ArgumentParser owns (help, usage errors), whether they come from
/// parsing or from a command's `run()`, keep their exit codes and messages (EntryPoint asks
/// the library, `exitCode(for:)`, which errors are its own).
@Suite("ArgumentParser outcomes")
struct ArgumentParserOutcomeTests {
  @Test func helpSubcommandPrintsTheCommandsHelpAndSucceeds() throws {
    // `terun help run` comes back from HelpCommand.run() as one of the library's errors.
    let result = try TerunProcess.run(["help", "run"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("USAGE: terun run"), "\(result.stdout)")
    #expect(result.stderr.isEmpty, "\(result.stderr)")
  }

  @Test func validationErrorFromRunIsAUsageError() throws {
    // `terun sim` checks its options in run(): a ValidationError thrown there.
    let result = try TerunProcess.run(["sim", "--port", "70000"], deadline: 30)
    #expect(result.status == 2, "\(result.stderr)")
    #expect(result.stderr.hasPrefix("Error: --port must be between 0 and 65535."), "\(result.stderr)")
    #expect(result.stderr.contains("Usage: terun sim"), "\(result.stderr)")
    #expect(result.stdout.isEmpty)
  }

  @Test func validationErrorFromValidateIsAUsageError() throws {
    let result = try TerunProcess.run(["test", "x.lua", "--rate-limit", "lots"])
    #expect(result.status == 2, "\(result.stderr)")
    #expect(result.stderr.hasPrefix("Error: --rate-limit must be N/WINDOW"), "\(result.stderr)")
  }

  @Test func unknownOptionIsAUsageError() throws {
    let result = try TerunProcess.run(["list", "--no-such-option"])
    #expect(result.status == 2, "\(result.stderr)")
    #expect(result.stderr.contains("Unknown option '--no-such-option'"), "\(result.stderr)")
  }

  @Test func otherErrorsAreTerunsOwn() throws {
    // Not the library's: printed once with terun's prefix and mapped by ExitStatus.
    let result = try TerunProcess.run(["run", "no-such-runbook-here"])
    #expect(result.status == 2, "\(result.stderr)")
    #expect(result.stderr.hasPrefix("terun: "), "\(result.stderr)")
    #expect(!result.stderr.contains("Usage:"), "\(result.stderr)")
  }
}
