import Foundation
import Testing

@testable import Runbook

@Suite("Parameter conversion")
struct ParameterBinderTests {
  private let header = RunbookHeader(parameters: [
    ParameterSpec(name: "test_id", type: .integer, required: true, help: "the test"),
    ParameterSpec(name: "window", type: .string, defaultValue: .string("1h")),
    ParameterSpec(name: "ratio", type: .number),
    ParameterSpec(name: "strict", type: .boolean, defaultValue: .boolean(false)),
    ParameterSpec(name: "format", type: .enumeration(["csv", "json"]), defaultValue: .string("csv")),
    ParameterSpec(name: "names", type: .list),
    ParameterSpec(name: "csv", type: .path),
  ])

  private func bind(_ arguments: [String], directory: String = "/") throws(ParameterError)
    -> [String: ParameterValue]
  {
    try ParameterBinder.bind(arguments, to: header, relativeTo: directory)
  }

  @Test func convertsAndFillsDefaults() throws {
    let values = try bind(["test_id=42", "ratio=0.5", "strict=yes", "names= a, b,,c ", "format=json"])
    #expect(values["test_id"] == .integer(42))
    #expect(values["window"] == .string("1h"))
    #expect(values["ratio"] == .number(0.5))
    #expect(values["strict"] == .boolean(true))
    #expect(values["names"] == .list(["a", "b", "c"]))
    #expect(values["format"] == .string("json"))
    #expect(values["csv"] == nil)
  }

  @Test func keepsIntegersExact() throws {
    #expect(try bind(["test_id=9007199254740993"])["test_id"] == .integer(9_007_199_254_740_993))
    #expect(try bind(["test_id=-7"])["test_id"] == .integer(-7))
  }

  @Test func valueMayContainEquals() throws {
    #expect(try bind(["test_id=1", "window=a=b"])["window"] == .string("a=b"))
  }

  @Test func resolvesPathParametersAgainstTheFolder() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("binder-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try Data("a,b\n".utf8).write(to: folder.appendingPathComponent("in.csv"))
    let values = try bind(["test_id=1", "csv=in.csv"], directory: folder.path)
    #expect(values["csv"] == .path(folder.appendingPathComponent("in.csv").standardizedFileURL.path))
    do {
      _ = try bind(["test_id=1", "csv=missing.csv"], directory: folder.path)
      Issue.record("expected an error")
    } catch {
      #expect(error.message == "parameter csv (path): file not found: missing.csv")
    }
    do {
      _ = try bind(["test_id=1", "csv=."], directory: folder.path)
      Issue.record("expected an error")
    } catch {
      #expect(error.message.contains("expected a file"))
    }
  }

  @Test(arguments: [
    (["test_id=abc"], "test_id", "parameter test_id (integer): expected an integer, got \"abc\""),
    (["test_id=3.0"], "test_id", "parameter test_id (integer): expected an integer, got \"3.0\""),
    (["test_id=1", "ratio=fast"], "ratio", "parameter ratio (number): expected a number, got \"fast\""),
    (["test_id=1", "ratio=inf"], "ratio", "parameter ratio (number): expected a number, got \"inf\""),
    (
      ["test_id=1", "strict=maybe"], "strict",
      "parameter strict (boolean): expected a boolean (true or false), got \"maybe\""
    ),
    (
      ["test_id=1", "format=xml"], "format", "parameter format (enum): expected one of csv, json, got \"xml\""
    ),
    ([], "test_id", "missing required parameter test_id (an integer) — the test; give it as test_id=VALUE"),
    (["test_id=1", "test_id=2"], "test_id", "parameter test_id is given twice"),
  ])
  func reportsTheParameterAndType(arguments: [String], parameter: String, message: String) {
    do {
      _ = try bind(arguments)
      Issue.record("expected an error for \(arguments)")
    } catch {
      #expect(error.parameter == parameter)
      #expect(error.message == message)
      #expect(ExitStatus.of(error) == .usage)
    }
  }

  @Test func suggestsTheNearestNameForAnUnknownParameter() {
    do {
      _ = try bind(["test_di=1"])
      Issue.record("expected an error")
    } catch {
      #expect(error.message.hasPrefix("unknown parameter test_di; did you mean test_id?"))
      #expect(error.message.contains("(parameters: test_id, window, ratio, strict, format, names, csv)"))
    }
    do {
      _ = try bind(["zzzzzz=1"])
      Issue.record("expected an error")
    } catch {
      #expect(!error.message.contains("did you mean"))
    }
  }

  @Test func refusesArgumentsThatAreNotKeyValue() {
    do {
      _ = try bind(["World"])
      Issue.record("expected an error")
    } catch {
      #expect(error.message.hasPrefix("expected a parameter as key=value, got \"World\""))
    }
  }

  @Test func headerlessRunbookTakesNoParameters() {
    do {
      _ = try ParameterBinder.bind(["x=1"], to: RunbookHeader(), relativeTo: "/")
      Issue.record("expected an error")
    } catch {
      #expect(error.message == "unknown parameter x: this runbook declares no parameters")
    }
  }
}
