import Testing

@testable import Runbook

@Suite("Runbook header")
struct RunbookHeaderTests {
  private func header(_ source: String) throws(RunbookHeaderError) -> RunbookHeader {
    try RunbookHeader.parse(source: Array(source.utf8), file: "rb.lua")
  }

  @Test func declaresEveryParameterType() throws {
    let parsed = try header(
      """
      runbook {
        name = "demo", description = "Demo.",
        params = {
          test_id = { type = "integer", required = true, help = "the test" },
          window = { type = "string", default = "1h" },
          ratio = { type = "number", default = 2 },
          strict = { type = "boolean", default = false },
          csv = { type = "path" },
          format = { type = "enum", values = { "csv", "ips", "json" }, default = "csv" },
          names = { type = "list", default = { "a", "b" } },
          plain = {},
        },
      }
      """)
    #expect(parsed.name == "demo")
    #expect(parsed.description == "Demo.")
    #expect(
      parsed.parameters.map(\.name) == [
        "test_id", "window", "ratio", "strict", "csv", "format", "names", "plain",
      ])
    #expect(parsed.parameter(named: "test_id")?.required == true)
    #expect(parsed.parameter(named: "test_id")?.help == "the test")
    #expect(parsed.parameter(named: "window")?.defaultValue == .string("1h"))
    #expect(parsed.parameter(named: "ratio")?.defaultValue == .number(2))
    #expect(parsed.parameter(named: "strict")?.defaultValue == .boolean(false))
    #expect(parsed.parameter(named: "csv")?.type == .path)
    #expect(parsed.parameter(named: "format")?.type == .enumeration(["csv", "ips", "json"]))
    #expect(parsed.parameter(named: "names")?.defaultValue == .list(["a", "b"]))
    #expect(parsed.parameter(named: "plain")?.type == .string)
  }

  @Test func noHeaderMeansNoParameters() throws {
    let parsed = try header("print('x')")
    #expect(parsed == RunbookHeader())
  }

  @Test(arguments: [
    ("runbook { params = { x = { type = \"int\" } } }", "unknown type 'int'"),
    ("runbook { params = { x = { type = \"integer\", default = \"a\" } } }", "default: expected an integer"),
    ("runbook { params = { x = { type = \"enum\" } } }", "an enum needs values"),
    (
      "runbook { params = { x = { type = \"enum\", values = {\"a\"}, default = \"b\" } } }",
      "\"b\" is not one of a"
    ),
    ("runbook { params = { x = { requierd = true } } }", "unknown field 'requierd'"),
    ("runbook { params = { x = { required = true, default = 1 } } }", "cannot have a default"),
    ("runbook { params = { x = \"string\" } }", "must be a table"),
    ("runbook { naem = \"x\" }", "unknown field 'naem'"),
    ("runbook { name = 3 }", "name must be a string, found an integer"),
  ])
  func rejectsMalformedHeaders(source: String, expected: String) {
    do {
      _ = try header(source)
      Issue.record("expected an error for \(source)")
    } catch {
      #expect(error.message.contains(expected), "\(error.message)")
      #expect(error.description.hasPrefix("rb.lua:1: runbook header: "))
    }
  }

  @Test func errorsNameTheLineOfTheField() {
    do {
      _ = try header("-- c\nrunbook {\n  params = {\n    x = { type = \"float\" },\n  },\n}")
      Issue.record("expected an error")
    } catch {
      #expect(error.line == 4)
    }
  }
}
