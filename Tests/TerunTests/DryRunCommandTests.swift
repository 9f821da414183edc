import Foundation
import Testing

/// `terun run --dry-run/--plan-out/--detailed-exitcode/--confirm` against a standalone
/// in-process simulator, with the built binary as a subprocess.
@Suite("terun run --dry-run, end to end", .serialized)
struct DryRunCommandTests {
  @Test func dryRunChangesNothingAndPlansExactlyTheWrites() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let before = try await sim.onboardState()

    let result = try await runTerun(
      ["run", dryRunFixture("onboard.lua"), "--plan-out", "plan.json"], in: folder.url,
      environment: sim.environment)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try await sim.onboardState() == before, "a dry run must not change the simulator")

    let out = result.stdout
    #expect(out.contains("Plan: 5 to create, 1 to update, 1 to delete.\n"), "\(out)")
    for i in 1...5 {
      #expect(out.contains("+ create user \"onboard user \(i)\" (POST /v7/users)\n"), "\(out)")
      #expect(out.contains("\"email\" : \"onboard.user\(i)@example.com\""), "\(out)")
    }
    let test = try await sim.object("/tests/agent-to-server/123456")
    let name = try #require(test["testName"] as? String)
    #expect(
      out.contains(
        "~ update agent-to-server test 123456 \"\(name)\" (PUT /v7/tests/agent-to-server/123456)\n    interval: 600 → 300\n"
      ), "\(out)")
    #expect(
      out.contains("- delete alert rule 9004 \"High Latency\" (DELETE /v7/alerts/rules/9004)"), "\(out)")
    // The runbook saw placeholders, and ran to the end with the planned results.
    #expect(out.contains("user onboard user 1: uid ~known-after-apply-1.uid~\n"), "\(out)")
    #expect(out.contains("test 123456 \(name): interval 300\n"), "\(out)")
    #expect(out.contains("deleted alert rule 9004\n"))
    // Plan blocks come after the runbook's own output.
    let planStart = try #require(out.range(of: "Plan: "))
    #expect(out.range(of: "deleted alert rule 9004")!.upperBound < planStart.lowerBound)

    let planFile = folder.url.appendingPathComponent("plan.json")
    let text = try String(contentsOf: planFile, encoding: .utf8)
    #expect(!text.contains(DryRunSimulator.token))
    #expect(!result.stdout.contains(DryRunSimulator.token) && !result.stderr.contains(DryRunSimulator.token))
    let plan = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(plan["format"] as? String == "terun-plan")
    #expect(plan["version"] as? Int == 1)
    #expect(plan["baseUrl"] as? String == sim.server.baseURL)
    let parameters = try #require(plan["parameters"] as? [String: Any])
    #expect(parameters["test_id"] as? String == "123456")
    #expect(parameters["interval"] as? Int == 300)
    let runbook = try #require(plan["runbook"] as? [String: Any])
    #expect(runbook["sha256"] as? String == (try sha256(of: dryRunFixture("onboard.lua"))))

    let writes = try #require(plan["writes"] as? [[String: Any]])
    #expect(
      writes.map { $0["operationId"] as? String ?? "" } == Array(repeating: "createUser", count: 5) + [
        "updateAgentToServerTest", "deleteAlertRule",
      ])
    #expect(
      writes.map { $0["action"] as? String ?? "" } == Array(repeating: "create", count: 5) + [
        "update", "delete",
      ])
    let create = writes[0]
    #expect(create["method"] as? String == "POST")
    #expect(create["pathTemplate"] as? String == "/users")
    #expect(create["path"] as? String == "/users")
    let produces = try #require(create["produces"] as? [[String: Any]])
    #expect(
      produces.contains {
        $0["field"] as? String == "uid" && $0["token"] as? String == "~known-after-apply-1.uid~"
      })
    let update = writes[5]
    #expect(update["pathTemplate"] as? String == "/tests/agent-to-server/{testId}")
    #expect(update["path"] as? String == "/tests/agent-to-server/123456")
    #expect(update["objectId"] as? String == "123456")
    let changes = try #require(update["changes"] as? [[String: Any]])
    #expect(changes.count == 1)
    #expect(changes.first?["field"] as? String == "interval")
    #expect(changes.first?["before"] as? Int == 600)
    #expect(changes.first?["after"] as? Int == 300)
    let snapshot = try #require(update["snapshot"] as? [String: Any])
    #expect(snapshot["interval"] as? Int == 600)
    #expect(snapshot["_links"] == nil)
    #expect((update["fingerprint"] as? String)?.count == 64)
    let delete = writes[6]
    #expect(delete["objectName"] as? String == "High Latency")
    #expect((delete["snapshot"] as? [String: Any])?["ruleName"] as? String == "High Latency")
  }

  @Test func placeholderFlowsIntoALaterPathAndShowsAsKnownAfterApply() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let result = try await runTerun(
      ["run", dryRunFixture("role_later.lua"), "--dry-run"], in: folder.url, environment: sim.environment)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("Plan: 1 to create, 1 to update, 0 to delete."))
    #expect(
      result.stdout.contains(
        "~ update user (known after apply) \"Role Later\" (PUT /v7/users/(known after apply))\n"
          + "    accountGroupRoles[1234].roleIds: + \"2\"\n"
          + "    accountGroupRoles[1234].roleIds: - \"3\"\n"), "only the changed leaves: \(result.stdout)")
    #expect(result.stdout.contains("user Role Later (~known-after-apply-1.uid~) planned with role 2"))
    #expect(try await sim.usersByEmail()["role.later@example.com"] == nil)
  }

  @Test func laterReadsSeeThePlannedWrites() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let before = try await sim.onboardState()
    let result = try await runTerun(
      ["run", dryRunFixture("sees_plan.lua"), "--dry-run"], environment: sim.environment)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("reads saw the plan\n"), "\(result.stdout)")
    #expect(result.stdout.contains("Plan: 1 to create, 1 to update, 1 to delete."))
    #expect(try await sim.onboardState() == before)
  }

  @Test func detailedExitcodeSaysNoChangesChangesOrError() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let folder = try ScratchFolder()
    let none = try await runTerun(
      ["run", dryRunFixture("read_only.lua"), "--detailed-exitcode"], in: folder.url,
      environment: sim.environment)
    #expect(none.status == 0, "\(none.stderr)")
    #expect(none.stdout.contains("Plan: 0 to create, 0 to update, 0 to delete."))
    let changes = try await runTerun(
      ["run", dryRunFixture("onboard.lua"), "--detailed-exitcode"], in: folder.url,
      environment: sim.environment)
    #expect(changes.status == 2, "\(changes.stderr)")
    #expect(changes.stdout.contains("Plan: 5 to create, 1 to update, 1 to delete."))
    let failed = try await runTerun(
      ["run", dryRunFixture("unclassifiable.lua"), "--detailed-exitcode"], in: folder.url,
      environment: sim.environment)
    #expect(failed.status == 1)
    #expect(failed.stderr.contains("dry-run cannot classify POST /no/such/endpoint"), "\(failed.stderr)")
    #expect(!failed.stdout.contains("not reached"))
    // A usage error (a bad parameter) is also 1 here: 2 means "changes planned".
    let usage = try await runTerun(
      ["run", dryRunFixture("onboard.lua"), "interval=soon", "--detailed-exitcode"], in: folder.url,
      environment: sim.environment)
    #expect(usage.status == 1, "\(usage.stderr)")
    #expect(usage.stderr.contains("interval"))
  }

  @Test func unclassifiableRequestStopsAPlainDryRun() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let result = try await runTerun(
      ["run", dryRunFixture("unclassifiable.lua"), "--dry-run"], environment: sim.environment)
    #expect(result.status == 1)
    #expect(result.stderr.contains("unclassifiable.lua:"), "\(result.stderr)")
    #expect(result.stderr.contains("no API operation matches it"), "\(result.stderr)")
  }

  @Test func confirmWithoutATerminalRefusesAndChangesNothing() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let before = try await sim.onboardState()
    let result = try await runTerun(
      ["run", dryRunFixture("onboard.lua"), "--confirm"], environment: sim.environment)
    #expect(result.status == 2)
    #expect(result.stdout.contains("Plan: 5 to create, 1 to update, 1 to delete."))
    #expect(result.stderr.contains("--confirm asks on a terminal and stdin is not one"), "\(result.stderr)")
    #expect(try await sim.onboardState() == before)
  }

  @Test func confirmOnATerminalAppliesThePlanAfterYes() async throws {
    let sim = try await DryRunSimulator.start()
    defer { Task { await sim.stop() } }
    let binary = try TerunProcess.binary().path
    let command = "\(binary) run \(dryRunFixture("role_later.lua")) --confirm"
    let result = try await runInTerminal(command, input: "y\n", environment: sim.environment)
    #expect(result.contains("Plan: 1 to create, 1 to update, 0 to delete."), "\(result)")
    #expect(result.contains("Apply these 2 change(s)? [y/N]"), "\(result)")
    #expect(result.contains("Apply complete: 1 created, 1 updated, 0 deleted."), "\(result)")
    let user = try #require(try await sim.usersByEmail()["role.later@example.com"])
    let uid = try #require(user["uid"] as? String)
    #expect(try await roleIds(sim, uid) == ["2"])

    let declined = try await runInTerminal(
      "\(binary) run \(dryRunFixture("role_later.lua")) email=declined@example.com --confirm", input: "n\n",
      environment: sim.environment)
    #expect(declined.contains("not applied"), "\(declined)")
    // On a terminal without NO_COLOR the plan is coloured: green create, yellow update.
    var colorEnvironment = sim.environment
    colorEnvironment["NO_COLOR"] = ""
    let colored = try await runInTerminal(
      "\(binary) run \(dryRunFixture("role_later.lua")) email=colour@example.com --dry-run", input: "",
      environment: colorEnvironment)
    #expect(colored.contains("\u{1B}[32m+ create user \"Role Later\""), "\(colored)")
    #expect(colored.contains("\u{1B}[33m~ update user"), "\(colored)")
    #expect(try await sim.usersByEmail()["declined@example.com"] == nil)
  }
}

/// The role ids of user `uid` in account group 1234.
func roleIds(_ sim: DryRunSimulator, _ uid: String) async throws -> [String] {
  let user = try await sim.object("/users/\(uid)")
  let groups = user["accountGroupRoles"] as? [[String: Any]] ?? []
  let group = groups.first {
    ($0["accountGroup"] as? [String: Any])?["aid"] as? String == "1234"
      || $0["accountGroupId"] as? String == "1234"
  }
  let roles = group?["roles"] as? [[String: Any]] ?? []
  if !roles.isEmpty { return roles.compactMap { $0["roleId"] as? String } }
  return group?["roleIds"] as? [String] ?? []
}

/// SHA-256 of a file, by `sha256sum`.
func sha256(of path: String) throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
  process.arguments = [path]
  let pipe = Pipe()
  process.standardOutput = pipe
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return String(String(decoding: data, as: UTF8.self).prefix(64))
}

/// Runs `command` under `script(1)`, which gives it a pseudo-terminal, typing `input`; returns
/// what the terminal showed.
func runInTerminal(_ command: String, input: String, environment: [String: String]) async throws -> String {
  try await withCheckedThrowingContinuation { continuation in
    let thread = Thread {
      continuation.resume(
        with: Result {
          let process = Process()
          process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
          process.arguments = ["-qec", command, "/dev/null"]
          var env = ProcessInfo.processInfo.environment
          for (key, value) in environment { env[key] = value }
          process.environment = env
          let stdin = Pipe()
          let stdout = Pipe()
          process.standardInput = stdin
          process.standardOutput = stdout
          process.standardError = stdout
          try process.run()
          // Type the answer once the prompt had time to appear.
          Thread.sleep(forTimeInterval: 3)
          stdin.fileHandleForWriting.write(Data(input.utf8))
          let data = stdout.fileHandleForReading.readDataToEndOfFile()
          process.waitUntilExit()
          return String(decoding: data, as: UTF8.self)
        })
    }
    thread.start()
  }
}
