import Foundation
import Testing

/// Issue 15: every mistake gets a clear message and the right exit code; the daily chores take
/// one flag. Each test runs the terun binary and checks the exit status and the message.
@Suite("everyday use, end to end")
struct EverydayUseTests {
  /// The last line terun printed on stderr.
  private func lastLine(_ text: String) -> String {
    text.split(separator: "\n").last.map(String.init) ?? ""
  }

  // MARK: Partial failure is failure

  @Test func failedRowsFailTheRunAfterTheSummaryLiveAndDry() throws {
    let folder = try ScratchFolder()
    try folder.write(
      "users.csv",
      "name,email,account_group,roles\nBad Mail,not-an-email,Main Account Group,Regular User\n"
        + "No Role,nr@example.com,Main Account Group,Chief Wizard\n")
    for extra in [[], ["--dry-run"]] {
      let result = try TerunProcess.run(
        ["bulk_create_users", "--sim", "csv=users.csv"] + extra, in: folder.url)
      #expect(result.status == 1, "\(extra): \(result.stderr)")
      // The summary (live: "failed 2"; dry run: "2 failed"), then the failure.
      #expect(result.stdout.contains("failed 2") || result.stdout.contains("2 failed"), "\(result.stdout)")
      #expect(
        lastLine(result.stderr) == "terun: 2 items failed (see the lines above); fix them and run again",
        "\(result.stderr)")
    }
  }

  @Test func failCountIsOneStdlibWayForAnyRunbook() throws {
    let folder = try ScratchFolder()
    try folder.write(
      "items.lua",
      """
      runbook { name = "items" }
      te.fail_count(1)
      assert(te.fail_count(2) == 3 and te.fail_count() == 3)
      print("processed 5, failed 3")
      """)
    let result = try TerunProcess.run(["items.lua"], in: folder.url)
    #expect(result.status == 1)
    #expect(result.stdout == "processed 5, failed 3\n")
    #expect(result.stderr == "terun: 3 items failed (see the lines above); fix them and run again\n")
    try folder.write("negative.lua", "te.fail_count(-1)\n")
    let negative = try TerunProcess.run(["negative.lua"], in: folder.url)
    #expect(negative.status == 1)
    #expect(negative.stderr.contains("negative.lua:1: bad argument #1 to 'te.fail_count'"))
  }

  // MARK: Network errors

  @Test func networkErrorIsOneSentence() throws {
    let folder = try ScratchFolder()
    try folder.write("list.lua", "te.tests.list()\n")
    let result = try TerunProcess.run(
      ["list.lua", "--base-url", "http://127.0.0.1:1"], in: folder.url, environment: ["TE_TOKEN": "t0ken"])
    #expect(result.status == 1)
    let pattern =
      #"^terun: GET http://127\.0\.0\.1:1/v7/tests: connection refused \([0-9]+ attempts in [0-9]+\.[0-9] s\)\n$"#
    #expect(result.stderr.range(of: pattern, options: .regularExpression) != nil, "\(result.stderr)")
  }

  // MARK: User errors, not crashes

  @Test func userErrorsPrintTheMessageAloneAndVerboseAddsTheTraceback() throws {
    let folder = try ScratchFolder()
    try folder.write("plain.lua", "local function f() error('the CSV has no email column', 0) end\nf()\n")
    try folder.write("fail.lua", "local function f() te.fail('no users given: use emails=a@x') end\nf()\n")
    for name in ["plain.lua", "fail.lua"] {
      let result = try TerunProcess.run([name], in: folder.url)
      #expect(result.status == 1, "\(name)")
      #expect(!result.stderr.contains("traceback"), "\(name): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1, "\(name): \(result.stderr)")
      let verbose = try TerunProcess.run([name, "-v"], in: folder.url)
      #expect(verbose.status == 1)
      #expect(verbose.stderr.contains("stack traceback:"), "\(name): \(verbose.stderr)")
      #expect(verbose.stderr.contains("\(name):1: in "), "\(name): \(verbose.stderr)")
      #expect(!verbose.stderr.contains("[C]"), "no internal frames: \(verbose.stderr)")
    }
    let plain = try TerunProcess.run(["plain.lua"], in: folder.url)
    #expect(plain.stderr == "terun: the CSV has no email column\n")
    let fail = try TerunProcess.run(["fail.lua"], in: folder.url)
    #expect(fail.stderr == "terun: no users given: use emails=a@x\n")
  }

  @Test func programmingErrorsShowTheTracebackWithoutInternalFrames() throws {
    let folder = try ScratchFolder()
    try folder.write(
      "bug.lua", "local function f() local t = nil; return t.x end\nlocal ok = f()\nprint(ok)\n")
    let result = try TerunProcess.run(["bug.lua"], in: folder.url)
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("terun: bug.lua:1: "), "\(result.stderr)")
    #expect(result.stderr.contains("stack traceback:"))
    #expect(!result.stderr.contains("[C]"), "\(result.stderr)")
    #expect(!result.stderr.contains("terun:1"), "\(result.stderr)")
  }

  // MARK: Bad values are usage errors

  @Test func badDurationAndDatetimeAreUsageErrorsBeforeTheRun() throws {
    let window = try TerunProcess.run(["export_latency", "--sim", "test_id=200001", "window=yesterday"])
    #expect(window.status == 2)
    #expect(
      window.stderr
        == "terun: parameter window (duration): expected a duration such as 30m, 24h or 7d, got \"yesterday\"\n"
    )
    let start = try TerunProcess.run(["maintenance_window", "--sim", "pattern=x", "start=tomorrow"])
    #expect(start.status == 2)
    #expect(start.stderr.contains("parameter start (datetime): expected an ISO 8601 date-time such as"))
  }

  @Test func usageErrorFromTheRunbookNamesTheParameter() throws {
    let result = try TerunProcess.run(["toggle_interval", "--sim", "test_id=200001", "interval=7"])
    #expect(result.status == 2)
    #expect(
      lastLine(result.stderr)
        == "terun: parameter interval: 7 is not an interval the API accepts; use one of 60, 120, 300, 600, 900, 1800, 3600"
    )
    let folder = try ScratchFolder()
    try folder.write(
      "own.lua", "runbook { params = { n = { type = 'integer' } } }\nte.usage_error('n', 'must be even')\n")
    let own = try TerunProcess.run(["own.lua", "n=3"], in: folder.url)
    #expect(own.status == 2)
    #expect(own.stderr == "terun: parameter n: must be even\n")
  }

  // MARK: Default timeout

  @Test func runHasADefaultTimeoutShownInHelp() throws {
    let help = try TerunProcess.run(["run", "--help"])
    #expect(help.status == 0)
    #expect(help.stdout.contains("--timeout (default 1h)"), "\(help.stdout)")
    let readme = try String(
      contentsOf: TerunProcess.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    #expect(readme.contains("default **1h** for `terun run`"))
  }

  // MARK: terun check

  @Test func checkReportsEachProblemWithFileAndLine() throws {
    let folder = try ScratchFolder()
    try folder.write("good.lua", "runbook { name = 'good' }\nlocal n = #te.tests.list()\nprint(n)\n")
    try folder.write("syntax.lua", "runbook { name = 'syntax' }\nlocal x = = 1\n")
    try folder.write(
      "globals.lua",
      """
      runbook { name = "globals" }
      local function show(t)
        prnt(t)
      end
      counter = 0
      counter = counter + 1
      for _, test in ipairs(te.tests.lsit()) do
        show(test, undefined_thing)
      end
      """)
    try folder.write(
      "header.lua", "runbook { params = { n = { type = 'integer', default = 'ten' } } }\nprint(te.params.n)\n"
    )
    let result = try TerunProcess.run(["check", "."], in: folder.url)
    #expect(result.status == 1)
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.contains("./globals.lua:3: undefined global 'prnt'; did you mean 'print'?"), "\(lines)")
    #expect(
      lines.contains("./globals.lua:7: te.tests.lsit does not exist; did you mean te.tests.list?"), "\(lines)"
    )
    #expect(lines.contains("./globals.lua:8: undefined global 'undefined_thing'"), "\(lines)")
    #expect(lines.contains { $0.hasPrefix("./syntax.lua:2: does not compile: ") }, "\(lines)")
    #expect(lines.contains { $0.hasPrefix("./header.lua:1: ") && $0.contains("default") }, "\(lines)")
    #expect(!lines.contains { $0.hasPrefix("./good.lua") }, "\(lines)")
    #expect(!result.stdout.contains("counter"), "an assigned global is defined")
    #expect(result.stderr == "terun: check: 5 problems in 4 files; fix them and check again\n")

    let clean = try TerunProcess.run(["check", "good.lua"], in: folder.url)
    #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
    #expect(clean.stdout.isEmpty)
  }

  @Test func shippedRunbooksAndStdlibPassCheck() throws {
    let result = try TerunProcess.run(["check", "runbooks", "stdlib"])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
  }

  @Test func scheduleValidateRunsTheCheck() throws {
    let folder = try ScratchFolder()
    try folder.write("broken.lua", "runbook { name = 'broken' }\nlocal x = = 1\n")
    try folder.write(
      "schedule.yaml",
      """
      jobs:
        - name: nightly
          runbook: broken.lua
          cron: "0 3 * * *"
      """)
    let result = try TerunProcess.run(["schedule", "validate", "schedule.yaml"], in: folder.url)
    #expect(result.status != 0)
    #expect(result.stderr.contains("broken.lua:2: does not compile"), "\(result.stderr)")
  }

  // MARK: Modules

  @Test func aFileWithoutHeaderIsAModule() throws {
    let folder = try ScratchFolder()
    try folder.write("runbooks/helpers.lua", "local M = {}\nfunction M.twice(x) return 2 * x end\nreturn M\n")
    try folder.write(
      "runbooks/uses.lua", "runbook { name = 'uses' }\nprint(require('helpers').twice(21))\n")
    let list = try TerunProcess.run(["list"], in: folder.url)
    #expect(list.status == 0)
    #expect(list.stdout.contains("uses"))
    #expect(!list.stdout.contains("helpers"), "\(list.stdout)")
    let run = try TerunProcess.run(["helpers"], in: folder.url)
    #expect(run.status == 2)
    #expect(
      run.stderr.contains("helpers (") && run.stderr.contains("is a Lua module, not a runbook"),
      "\(run.stderr)")
    #expect(run.stderr.contains("require(\"helpers\")"))
    let uses = try TerunProcess.run(["uses"], in: folder.url)
    #expect(uses.status == 0)
    #expect(uses.stdout == "42\n")
  }

  // MARK: Account groups

  @Test func inventorySaysWhichGroupOrCoversAll() throws {
    let single = try TerunProcess.run(["tests_inventory", "--sim", "out=-"])
    #expect(single.status == 0, "\(single.stderr)")
    #expect(single.stderr.contains("reading account group \""), "\(single.stderr)")
    #expect(single.stderr.contains("all_groups=true reads every account group"))
    let all = try TerunProcess.run(["tests_inventory", "--sim", "out=-", "all_groups=true"])
    #expect(all.status == 0, "\(all.stderr)")
    #expect(all.stdout.hasPrefix("aid,accountGroupName,testId,"))
    #expect(all.stdout.split(separator: "\n").count > single.stdout.split(separator: "\n").count)
  }

  @Test func aidAllSaysHowToCoverEveryGroup() throws {
    let result = try TerunProcess.run(["tests_inventory", "--sim", "--aid", "all", "out=-"])
    #expect(result.status == 2)
    #expect(
      result.stderr.contains("--aid all: a run talks to one account group at a time"), "\(result.stderr)")
    #expect(result.stderr.contains("all_groups=true"))
  }

  @Test func eachAccountGroupRunsTheFunctionInThatGroup() throws {
    let folder = try ScratchFolder()
    try folder.write(
      "groups.lua",
      """
      runbook { name = "groups" }
      local seen = {}
      te.account_groups.each(function(aid, group)
        assert(te.config().aid == aid and group.aid == aid)
        seen[#seen + 1] = aid .. "=" .. #te.tests.list()
      end)
      print(table.concat(seen, " "))
      print(te.account_groups.current().accountGroupName)
      """)
    let result = try TerunProcess.run(["groups.lua", "--sim"], in: folder.url)
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.count == 2)
    #expect((lines.first?.split(separator: " ").count ?? 0) >= 2, "every group: \(result.stdout)")
    #expect(lines.last == "Main Account Group")
  }

  // MARK: Parameter files, profiles, JSON summaries

  @Test func parameterFileWithOverrides() throws {
    let folder = try ScratchFolder()
    try folder.write("p.yaml", "name: File\ntimes: 2\n")
    try folder.write("p.json", #"{"name": "Json", "shout": true}"#)
    let yaml = try TerunProcess.run(["hello", "--params", "p.yaml"], in: folder.url)
    #expect(yaml.status == 0, "\(yaml.stderr)")
    #expect(yaml.stdout == "Hello, File!\nHello, File!\n")
    let overridden = try TerunProcess.run(
      ["hello", "--params", "p.yaml", "times=1", "name=Cli"], in: folder.url)
    #expect(overridden.stdout == "Hello, Cli!\n")
    let json = try TerunProcess.run(["hello", "--params", "p.json"], in: folder.url)
    #expect(json.stdout == "HELLO, JSON!\n")
    try folder.write("typo.yaml", "nme: X\n")
    let typo = try TerunProcess.run(["hello", "--params", "typo.yaml", "name=Y"], in: folder.url)
    #expect(typo.status == 2)
    #expect(
      typo.stderr.hasPrefix("terun: --params typo.yaml: unknown parameter nme; did you mean name?"),
      "\(typo.stderr)")
    let missing = try TerunProcess.run(["hello", "--params", "nope.yaml"], in: folder.url)
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("--params nope.yaml: cannot read the file"))
  }

  @Test func profilesSelectBaseURLTokenFileAndAidButNeverAnInlineToken() throws {
    let home = try ScratchFolder()
    try home.write("prod.token", "s3cret-token\n")
    try home.write(
      ".config/terun/config.yaml",
      """
      profiles:
        lab:
          base_url: http://127.0.0.1:9
          token_file: ~/prod.token
          aid: "777"
        leaky:
          base_url: http://127.0.0.1:9
          token: s3cret-token
      """)
    try home.write("show.lua", "local c = te.config()\nprint(c.base_url, c.aid)\n")
    let environment = ["HOME": home.url.path, "TE_TOKEN": "", "TE_AID": "", "TE_BASE_URL": ""]
    let byFlag = try TerunProcess.run(
      ["show.lua", "--profile", "lab"], in: home.url, environment: environment)
    #expect(byFlag.status == 0, "\(byFlag.stderr)")
    #expect(byFlag.stdout == "http://127.0.0.1:9\t777\n")
    var viaEnvironment = environment
    viaEnvironment["TERUN_PROFILE"] = "lab"
    let byEnvironment = try TerunProcess.run(
      ["show.lua", "--aid", "5"], in: home.url, environment: viaEnvironment)
    #expect(byEnvironment.stdout == "http://127.0.0.1:9\t5\n", "an option wins over the profile")
    let leaky = try TerunProcess.run(
      ["show.lua", "--profile", "leaky"], in: home.url, environment: environment)
    #expect(leaky.status == 2)
    #expect(
      leaky.stderr.contains("profile leaky stores a token inline; terun refuses that"), "\(leaky.stderr)")
    #expect(leaky.stderr.contains("token_file: FILE"))
    #expect(!leaky.stderr.contains("s3cret"))
    let unknown = try TerunProcess.run(
      ["show.lua", "--profile", "nope"], in: home.url, environment: environment)
    #expect(unknown.status == 2)
    #expect(unknown.stderr.contains("no profile named nope"), "\(unknown.stderr)")
    #expect(unknown.stderr.contains("(profiles: lab, leaky)"))
  }

  @Test func outputJSONPrintsOneSummary() throws {
    let folder = try ScratchFolder()
    try folder.write(
      "w.lua", "runbook { name = 'w' }\nte.fs.write('a.txt', 'x')\nprint('to stderr')\nte.tests.list()\n")
    let result = try TerunProcess.run(["w.lua", "--sim", "--output", "json"], in: folder.url)
    #expect(result.status == 0, "\(result.stderr)")
    let object = try #require(
      JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
    #expect(object["exit_status"] as? Int == 0)
    #expect(object["ok"] as? Bool == true)
    #expect(object["files_written"] as? [String] == ["a.txt"])
    #expect((object["requests"] as? Int ?? 0) >= 1)
    #expect(object["rate_limited"] as? Int == 0)
    #expect((object["writes"] as? [String: Int]) == ["planned": 0, "applied": 0])
    #expect(object["duration_seconds"] is Double)
    #expect(result.stderr.contains("to stderr"))

    try folder.write(
      "users.csv",
      "name,email,account_group,roles\nAna,ana@example.com,Main Account Group,Regular User\nBad,bad,x,y\n")
    let dry = try TerunProcess.run(
      ["bulk_create_users", "--sim", "csv=users.csv", "--dry-run", "--output", "json"], in: folder.url)
    #expect(dry.status == 1)
    let summary = try #require(JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any])
    #expect(summary["exit_status"] as? Int == 1)
    #expect(summary["dry_run"] as? Bool == true)
    #expect((summary["writes"] as? [String: Int])?["planned"] == 1)
    #expect(summary["failed_items"] as? Int == 1)
    #expect((summary["error"] as? String)?.contains("1 item failed") == true)
  }
}
