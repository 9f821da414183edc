import Foundation
import Testing

@Suite("terun run, end to end")
struct RunCommandTests {
  @Test func helloGreetsWorld() throws {
    let result = try TerunProcess.run(["runbooks/hello.lua", "name=World"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "Hello, World!\n")
    #expect(result.stderr.contains("INFO  greeted World"))
  }

  @Test func runSubcommandAndShorthandAgree() throws {
    let long = try TerunProcess.run(["run", "runbooks/hello.lua", "name=Ada", "times=2", "shout=true"])
    let short = try TerunProcess.run(["runbooks/hello.lua", "name=Ada", "times=2", "shout=true"])
    #expect(long.status == 0)
    #expect(long.stdout == "HELLO, ADA!\nHELLO, ADA!\n")
    #expect(short.stdout == long.stdout)
  }

  @Test func builtinRunbookRunsByName() throws {
    let folder = try ScratchFolder()
    let result = try TerunProcess.run(["hello", "name=Builtin"], in: folder.url)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "Hello, Builtin!\n")
  }

  @Test func verboseShowsDebugAndQuietHidesInfo() throws {
    let verbose = try TerunProcess.run(["runbooks/hello.lua", "name=V", "-v"])
    #expect(verbose.stderr.contains("DEBUG greeting V 1 time(s)"))
    let quiet = try TerunProcess.run(["runbooks/hello.lua", "name=Q", "--quiet"])
    #expect(quiet.status == 0)
    #expect(quiet.stderr.isEmpty)
    #expect(quiet.stdout == "Hello, Q!\n")
  }

  @Test func logLinesCarryTimeAndLevel() throws {
    let result = try TerunProcess.run(["runbooks/hello.lua", "name=T"])
    let line = try #require(result.stderr.split(separator: "\n").first)
    // 2026-11-27T03:50:16.123Z INFO  greeted T
    #expect(
      line.range(
        of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO  greeted T$"#, options: .regularExpression) != nil)
  }

  @Test func helpListsTheParameters() throws {
    for arguments in [
      ["runbooks/hello.lua", "--help"], ["run", "runbooks/hello.lua", "-h"],
      ["describe", "runbooks/hello.lua"],
    ] {
      let result = try TerunProcess.run(arguments)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
      #expect(result.stdout.contains("hello: Greets someone"), "\(arguments)")
      #expect(result.stdout.contains("Parameters:"))
      let nameRow = result.stdout.split(separator: "\n").first { $0.hasPrefix("  name ") }
      #expect(nameRow?.contains("string") == true)
      #expect(nameRow?.contains("required") == true)
      #expect(nameRow?.contains("who to greet") == true)
      #expect(result.stdout.contains("default 1"))
    }
  }

  @Test func helpRunsNothingBeyondTheHeader() throws {
    let folder = try ScratchFolder()
    try folder.write(
      "rb.lua",
      """
      runbook { description = "Header only.", params = { n = { type = "integer", help = "a number" } } }
      te.fs.write("ran.txt", "the body ran")
      """)
    let help = try TerunProcess.run(["rb.lua", "--help"], in: folder.url)
    let describe = try TerunProcess.run(["describe", "rb.lua"], in: folder.url)
    #expect(help.status == 0)
    #expect(describe.stdout.contains("Header only."))
    #expect(describe.stdout.contains("a number"))
    #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("ran.txt").path))
  }

  @Test func missingParameterIsAUsageError() throws {
    let result = try TerunProcess.run(["runbooks/hello.lua"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("missing required parameter name"))
    #expect(result.stdout.isEmpty)
  }

  @Test func illTypedParameterIsAUsageError() throws {
    let result = try TerunProcess.run(["runbooks/hello.lua", "name=X", "times=many"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("parameter times (integer): expected an integer, got \"many\""))
  }

  @Test func unknownParameterSuggestsTheNearestName() throws {
    let result = try TerunProcess.run(["runbooks/hello.lua", "nmae=X"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("unknown parameter nmae; did you mean name?"))
  }

  @Test func badOptionsAreUsageErrors() throws {
    let size = try TerunProcess.run(["runbooks/hello.lua", "name=X", "--max-memory", "64XB"])
    #expect(size.status == 2)
    #expect(size.stderr.contains("unknown unit 'XB'"))
    let duration = try TerunProcess.run(["runbooks/hello.lua", "name=X", "--timeout", "soon"])
    #expect(duration.status == 2)
    #expect(duration.stderr.contains("invalid duration 'soon'"))
    let missing = try TerunProcess.run(["no-such-runbook.lua"])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("runbook not found: no-such-runbook.lua"))
    let outDir = try TerunProcess.run(["runbooks/hello.lua", "name=X", "--out-dir", "/no/such/folder"])
    #expect(outDir.status == 2)
    #expect(outDir.stderr.contains("--out-dir /no/such/folder: no such folder"))
  }

  @Test func scriptErrorGivesFileLineAndTraceback() throws {
    let folder = try ScratchFolder()
    try folder.write(
      "broken.lua",
      """
      local function inner()
        error("something broke")
      end
      local function outer() inner() end
      print("before")
      outer()
      """)
    let result = try TerunProcess.run(["broken.lua"], in: folder.url)
    #expect(result.status == 1)
    #expect(result.stdout == "before\n")
    #expect(result.stderr.contains("broken.lua:2: something broke"))
    #expect(result.stderr.contains("stack traceback:"))
    #expect(result.stderr.contains("broken.lua:4:"))
    #expect(result.stderr.contains("broken.lua:6:"))
  }

  @Test func syntaxErrorIsARunbookError() throws {
    let folder = try ScratchFolder()
    try folder.write("bad.lua", "print('a'\nlocal x = = 1\n")
    let result = try TerunProcess.run(["bad.lua"], in: folder.url)
    #expect(result.status == 1)
    #expect(result.stderr.contains("bad.lua:2:"))
  }

  @Test func malformedHeaderIsARunbookErrorWithItsLine() throws {
    let folder = try ScratchFolder()
    try folder.write("hdr.lua", "runbook {\n  params = { n = { type = \"int\" } },\n}\n")
    let result = try TerunProcess.run(["hdr.lua"], in: folder.url)
    #expect(result.status == 1)
    #expect(result.stderr.contains("hdr.lua:2: runbook header: parameter 'n': unknown type 'int'"))
  }

  @Test func paramsFsAndJsonWorkTogether() throws {
    let folder = try ScratchFolder()
    try folder.write("input.csv", "a,b\n1,2\n")
    try folder.write(
      "rb/copy.lua",
      """
      runbook {
        params = {
          src = { type = "path", required = true },
          dest = { type = "string", default = "copy.json" },
          ids = { type = "list" },
          mode = { type = "enum", values = { "fast", "slow" }, default = "slow" },
          ratio = { type = "number", default = 1.5 },
        },
      }
      local text = te.fs.read(te.params.src)
      local doc = { bytes = #text, ids = te.params.ids, mode = te.params.mode, ratio = te.params.ratio,
        dry_run = te.dry_run }
      te.fs.write(te.params.dest, te.json.encode(doc))
      print(math.type(#text), #te.params.ids, te.params.ids[2])
      """)
    try FileManager.default.createDirectory(
      at: folder.url.appendingPathComponent("out"), withIntermediateDirectories: true)
    let result = try TerunProcess.run(
      ["rb/copy.lua", "src=input.csv", "ids=7, 8", "--out-dir", "out"], in: folder.url)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "integer\t2\t8\n")
    let written = try String(contentsOf: folder.url.appendingPathComponent("out/copy.json"), encoding: .utf8)
    let object = try JSONSerialization.jsonObject(with: Data(written.utf8)) as? [String: Any]
    #expect(object?["bytes"] as? Int == 8)
    #expect(object?["ids"] as? [String] == ["7", "8"])
    #expect(object?["mode"] as? String == "slow")
    #expect(object?["dry_run"] as? Bool == false)
  }

  @Test func requireFindsTheRunbookFolderAndTerunPath() throws {
    let folder = try ScratchFolder()
    try folder.write("rb/helper.lua", "return { twice = function(x) return 2 * x end }")
    try folder.write("lib/extra.lua", "return { name = 'extra' }")
    try folder.write("rb/main.lua", "print(require('helper').twice(21), require('extra').name)")
    let result = try TerunProcess.run(
      ["rb/main.lua"], in: folder.url,
      environment: ["TERUN_PATH": folder.url.appendingPathComponent("lib").path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "42\textra\n")
  }

  @Test func runsOnADedicatedThreadWithDeepCallStacks() throws {
    let folder = try ScratchFolder()
    // Non-tail recursion through a C function (string.gsub) needs real C stack.
    try folder.write(
      "deep.lua",
      """
      local function nest(n)
        if n == 0 then return "" end
        return (string.gsub("x", "x", function() return nest(n - 1) end))
      end
      nest(150)
      print("ok")
      """)
    let result = try TerunProcess.run(["deep.lua"], in: folder.url)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "ok\n")
  }

  @Test func simStartsTheBuiltInSimulatorInProcess() throws {
    let folder = try ScratchFolder()
    try folder.write(
      "agents.lua",
      """
      local agents = te.agents.list()
      print(#agents > 0, type(agents[1].agentName))
      """)
    let result = try TerunProcess.run(["--sim", "agents.lua"], in: folder.url, environment: ["TE_TOKEN": ""])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "true\tstring\n")
    let notice = result.stderr.split(separator: "\n").filter { $0.contains("built-in simulator") }
    #expect(notice.count == 1)
    #expect(
      notice.first?.range(
        of: #"^terun: running against the built-in simulator \(http://127\.0\.0\.1:\d+\)$"#,
        options: .regularExpression) != nil)
  }
}
