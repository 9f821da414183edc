import ArgumentParser
import Foundation
import Runbook
import ThousandEyes

/// `--output text|json` on `terun run` and `terun apply`: with `json`, stdout carries exactly one
/// JSON summary of the command (everything the runbook prints, and the plan, go to stderr).
struct SummaryOptions: ParsableArguments {
  enum Format: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
  }

  @Option(
    name: .customLong("output"),
    help: ArgumentHelp(
      "text (default), or json: print one JSON summary on stdout (exit status, writes planned or applied, "
        + "files written, requests made, 429s met, duration); other output goes to stderr.",
      valueName: "format"))
  var format: Format = .text

  /// Runs `body`, then prints the summary when `--output json` was given. With json, stdout is
  /// pointed at stderr while `body` runs, so that the summary is the only thing on stdout.
  /// The error of `body`, if any, is rethrown after the summary (and printed as usual).
  func reporting(
    command: String, runbook: String?, _ body: (inout CommandSummary) async throws -> Void
  ) async throws {
    var summary = CommandSummary(command: command, runbook: runbook)
    guard format == .json else {
      try await body(&summary)
      return
    }
    fflush(nil)
    let saved = dup(1)
    dup2(2, 1)
    let started = ContinuousClock.now
    var failure: (any Error)?
    do {
      try await body(&summary)
    } catch {
      failure = error
    }
    FileHandle.standardOutput.synchronizeFile()
    dup2(saved, 1)
    close(saved)
    summary.finish(error: failure, elapsed: ContinuousClock.now - started)
    FileHandle.standardOutput.write(Data((summary.json + "\n").utf8))
    if let failure { throw failure }
  }
}

/// The one JSON summary of `terun run` or `terun apply` (`--output json`).
struct CommandSummary: Encodable {
  struct Writes: Encodable {
    var planned = 0
    var applied = 0
  }

  var command: String
  var runbook: String?
  var exitStatus: Int32 = 0
  var ok = true
  var error: String?
  var dryRun = false
  var writes = Writes()
  var filesWritten: [String] = []
  var failedItems: Int64 = 0
  var requests = 0
  var rateLimited = 0
  var durationSeconds = 0.0

  init(command: String, runbook: String?) {
    self.command = command
    self.runbook = runbook
  }

  /// Adds what a client sent: requests, 429s, writes applied.
  mutating func add(_ counts: RequestStatistics.Counts) {
    requests += counts.requests
    rateLimited += counts.rateLimited
    writes.applied += counts.writes
  }

  mutating func finish(error: (any Error)?, elapsed: Duration) {
    durationSeconds = (elapsed.seconds * 1000).rounded() / 1000
    guard let error else { return }
    ok = false
    switch error {
    case let exit as ExitCode:
      exitStatus = exit.rawValue
      ok = exit.rawValue == 0 || (exit.rawValue == 2 && dryRun)
    case let failure as any TerunFailure:
      exitStatus = failure.exitStatus.rawValue
      self.error = failure.message
    default:
      exitStatus = ExitStatus.of(error).rawValue
      self.error = String(describing: error)
    }
  }

  var json: String {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self)
  }
}
