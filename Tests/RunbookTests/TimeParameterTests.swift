import Foundation
import Testing

@testable import Runbook

@Suite("duration and datetime parameters")
struct TimeParameterTests {
  private let header = RunbookHeader(parameters: [
    ParameterSpec(name: "window", type: .duration, defaultValue: .integer(3600)),
    ParameterSpec(name: "start", type: .datetime),
  ])

  private func bind(_ arguments: [String]) throws(ParameterError) -> [String: ParameterValue] {
    try ParameterBinder.bind(arguments, to: header, relativeTo: "/")
  }

  @Test(arguments: [
    ("30m", 1800), ("24h", 86400), ("7d", 604_800), ("1h30m", 5400), ("90", 90), ("2w", 1_209_600),
  ])
  func durationsBecomeWholeSeconds(text: String, seconds: Int64) throws {
    #expect(try bind(["window=\(text)"])["window"] == .integer(seconds))
  }

  @Test(arguments: ["yesterday", "", "0", "-5m", "1.5s", "10y", "500ms"])
  func badDurationsAreUsageErrorsNamingTheParameter(text: String) {
    #expect {
      _ = try bind(["window=\(text)"])
    } throws: { error in
      let parameterError = error as? ParameterError
      return parameterError?.parameter == "window"
        && parameterError?.message.hasPrefix(
          "parameter window (duration): expected a duration such as 30m, 24h or 7d, got \"\(text)\"") == true
        && ExitStatus.of(error) == .usage
    }
  }

  @Test(arguments: [
    ("2026-11-27T03:00:00Z", "2026-11-27T03:00:00Z"),
    ("2026-11-27T05:00+02:00", "2026-11-27T03:00:00Z"),
    ("2026-11-27T01:30:00-0130", "2026-11-27T03:00:00Z"),
    ("2026-11-27", "2026-11-27T00:00:00Z"),
    ("2026-11-27 03:00:05.250Z", "2026-11-27T03:00:05.250Z"),
    ("2024-02-29T23:59:59+00:00", "2024-02-29T23:59:59Z"),
    ("2026-01-01T00:30:00+01:00", "2025-12-31T23:30:00Z"),
  ])
  func datetimesBecomeUTC(text: String, utc: String) throws {
    #expect(try bind(["start=\(text)"])["start"] == .string(utc))
  }

  @Test(arguments: [
    "yesterday", "27/11/2026", "2026-13-01", "2025-02-29", "2026-11-27T24:00:00Z",
    "2026-11-27T03:00:00+25:00",
    "2026-11-27T03",
  ])
  func badDatetimesAreUsageErrors(text: String) {
    #expect {
      _ = try bind(["start=\(text)"])
    } throws: { error in
      let parameterError = error as? ParameterError
      return parameterError?.parameter == "start"
        && parameterError?.message.hasPrefix("parameter start (datetime): expected an ISO 8601 date-time")
          == true
    }
  }

  @Test func headerDeclaresTheTypesAndChecksDefaults() throws {
    let good = try RunbookHeader.parse(
      source: Array(
        """
        runbook { params = {
          window = { type = "duration", default = "1h" },
          start = { type = "datetime", default = "2026-11-27T00:00:00Z" },
        } }
        """.utf8), file: "t.lua")
    #expect(good.parameter(named: "window")?.defaultValue == .integer(3600))
    #expect(good.parameter(named: "start")?.defaultValue == .string("2026-11-27T00:00:00Z"))
    #expect(throws: RunbookHeaderError.self) {
      _ = try RunbookHeader.parse(
        source: Array(#"runbook { params = { w = { type = "duration", default = "soon" } } }"#.utf8),
        file: "t.lua")
    }
  }
}
