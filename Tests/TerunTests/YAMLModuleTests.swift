import Foundation
import Testing

/// `te.yaml` and `te.spec`, through the built binary: values cross YAML as they cross JSON,
/// strings YAML would read as something else are quoted, and hostile documents are refused
/// with a message (exit 1), never a crash.
@Suite("te.yaml and te.spec")
struct YAMLModuleTests {
  /// Runs `body` as a runbook and returns the result.
  private func run(_ body: String) throws -> TerunProcess.Result {
    let folder = try ScratchFolder()
    let script = "runbook { name = \"yaml_case\", description = \"te.yaml case\", params = {} }\n" + body
    try folder.write("yaml_case.lua", script)
    return try TerunProcess.run(["run", "yaml_case.lua"], in: folder.url, deadline: 60)
  }

  @Test func roundTripKeepsTypesAndQuotesAmbiguousStrings() throws {
    let result = try run(
      """
      local v = { id = "600", n = 600, f = 1.5, yes = "yes", empty = "", flag = false,
        list = te.json.array({ 1, "two" }), none = te.json.array({}), nested = { a = "null" } }
      local text = te.yaml.encode(v)
      print(text)
      print(te.json.encode(te.yaml.decode(text)) == te.json.encode(v))
      """)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("id: \"600\"\n"))
    #expect(result.stdout.contains("n: 600\n"))
    #expect(result.stdout.contains("yes: \"yes\"\n"))
    #expect(result.stdout.contains("empty: \"\"\n"))
    #expect(result.stdout.contains("none: []\n"))
    #expect(result.stdout.hasSuffix("true\n"))
  }

  @Test func decodesTagsIntegersAndFloats() throws {
    let result = try run(
      #"print(te.json.encode(te.yaml.decode("a: !!str 600\nb: '7'\nc: 8\nd: 2.5\ne: [x, 1]\n")))"#)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == #"{"a":"600","b":"7","c":8,"d":2.5,"e":["x",1]}"# + "\n")
  }

  @Test func refusesAnAliasBombWithAMessage() throws {
    var lines = ["a: &a [1,1,1,1,1,1,1,1,1,1]"]
    for (n, name) in ["b", "c", "d", "e", "f", "g"].enumerated() {
      let previous = n == 0 ? "a" : ["b", "c", "d", "e", "f"][n - 1]
      lines.append(
        "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ",") + "]")
    }
    let document = lines.joined(separator: "\\n")
    let result = try run("te.yaml.decode(\"\(document)\")")
    #expect(result.status == 1)
    #expect(result.stderr.contains("te.yaml.decode: the document expands to more than 1000000 values"))
  }

  @Test func reportsSyntaxErrorsWithTheirLine() throws {
    let result = try run(#"te.yaml.decode("tests:\n  - a: [1, 2\n")"#)
    #expect(result.status == 1)
    #expect(result.stderr.contains("yaml_case.lua:2: te.yaml.decode: line"))
  }

  @Test func refusesValuesJSONCannotHold() throws {
    let function = try run("te.yaml.encode({ f = print })")
    #expect(function.status == 1)
    #expect(function.stderr.contains("te.yaml.encode: cannot encode function at $.f"))
    let infinite = try run(#"te.yaml.decode("x: .inf\n")"#)
    #expect(infinite.status == 1)
    #expect(infinite.stderr.contains("te.yaml.decode: $.x: .inf is not a finite number"))
  }

  @Test func specListsTheWritableFieldsOfARequest() throws {
    let result = try run(
      """
      local fields = te.spec.writable_fields("POST", "/tests/http-server")
      local set = {}
      for _, f in ipairs(fields) do set[f] = true end
      print(set.url, set.agents, set.testId, set.createdDate, te.spec.writable_fields("GET", "/nothing"))
      """)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "true\ttrue\tnil\tnil\tnil\n")
  }

  @Test func specNamesTheFieldsABodyGetsWrong() throws {
    let result = try run(
      """
      local bad = te.spec.body_problems("POST", "/tests/http-server",
        { testName = "Web", url = "https://x.example", interval = "fast", enabled = "yes" })
      local ftp = te.spec.write_only_fields("POST", "/tests/ftp-server")
      print(table.concat(ftp, ","), te.spec.write_only_fields("GET", "/nothing"))
      table.sort(bad, function(a, b) return a.field < b.field end)
      for _, p in ipairs(bad) do print(p.field, p.code, p.message) end
      local good = te.spec.body_problems("POST", "/tests/http-server",
        { testName = "Web", url = "https://x.example", interval = 300, agents = { { agentId = "3" } } })
      print(#good, te.spec.body_problems("GET", "/nothing", {}))
      """)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout == """
        alertRules,labels,monitors,password,sharedWithAccounts,tags\tnil
        agents\tREQUIRED\tagents is required.
        enabled\tINVALID_TYPE\tenabled must be a boolean, not a string.
        interval\tINVALID_TYPE\tinterval must be an integer, not a string.
        0\tnil

        """)
  }
}
