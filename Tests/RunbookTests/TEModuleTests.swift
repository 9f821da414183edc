import Foundation
import LuaHost
import Simulator
import Testing
import ThousandEyes

@testable import Runbook

/// The `te` module's Lua runbooks (runbooks/tests/te) run against the simulator.
@Suite struct TEModuleTests {
  private func assertPassed(_ run: TERun, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(
      run.error == nil, "\(run.error.map { "\($0)" } ?? "")\n\(run.stderr)", sourceLocation: sourceLocation)
    #expect(
      run.stdout.contains("ok \(name) ("), "stdout: \(run.stdout)\nstderr: \(run.stderr)",
      sourceLocation: sourceLocation)
    let audit = (try? String(contentsOfFile: run.auditFile, encoding: .utf8)) ?? ""
    #expect(!audit.isEmpty, "the run made requests", sourceLocation: sourceLocation)
    for text in [run.stdout, run.stderr, audit] {
      #expect(!text.contains(TEHarness.token), "the token leaked", sourceLocation: sourceLocation)
    }
  }

  @Test func genericCalls() async throws {
    let run = try await TEHarness.run("generic.lua", simulator: { $0.pageSize = 25 })
    assertPassed(run, "generic")
  }

  @Test func resources() async throws {
    let run = try await TEHarness.run("resources.lua", simulator: { $0.pageSize = 50 })
    assertPassed(run, "resources")
  }

  @Test func contextAndHelpers() async throws {
    let run = try await TEHarness.run("context.lua")
    assertPassed(run, "context")
  }

  @Test func errorValues() async throws {
    let run = try await TEHarness.run("errors.lua")
    assertPassed(run, "errors")
  }

  @Test func uncaughtAPIErrorNamesTheRunbookLine() async throws {
    let run = try await TEHarness.run("uncaught.lua")
    #expect(run.stdout == "before\n")
    let failure = try #require(run.error as? CommandFailure)
    #expect(failure.exitStatus == .runbookError)
    #expect(failure.message.contains("uncaught.lua:8"), "\(failure.message)")
    #expect(failure.message.contains("GET /users/424242: 404 "), "\(failure.message)")
  }

  @Test func dryRunPlansWritesAndSendsReads() async throws {
    let run = try await TEHarness.run("dry_run.lua", dryRun: true)
    assertPassed(run, "dry_run")
    #expect(run.stderr.contains("dry-run: would POST /users (createUser, user)"), "\(run.stderr)")
    let audit = try String(contentsOfFile: run.auditFile, encoding: .utf8)
    #expect(!audit.contains(#""method":"POST","path":"\/users""#))
    #expect(!audit.contains(#""path":"/users","query":"","status":201"#))
    #expect(audit.contains(#""method":"POST","path":"/endpoint/agents/filter""#), "\(audit)")
  }

  @Test func unauthorizedIsAnAPIErrorWithStatus401() async throws {
    let run = try await TEHarness.run(
      "unauthorized.lua", source: "te.users.list()\n", client: { $0.token = APIToken("not-the-token") })
    let failure = try #require(run.error as? CommandFailure)
    #expect(failure.message.contains("unauthorized.lua:1"), "\(failure.message)")
    #expect(failure.message.contains("GET /users: 401 "), "\(failure.message)")
    #expect(!failure.message.contains("not-the-token"))
  }

  @Test func rateLimitStormReachesNoRunbook() async throws {
    let source = """
      for i = 1, 30 do
        te.get("/agents")
      end
      print("done")
      """
    let started = Date()
    let run = try await TEHarness.run(
      "storm.lua", source: source, simulator: { $0.rateLimit = .init(limit: 10, window: 2) })
    #expect(run.error == nil, "\(run.error.map { "\($0)" } ?? "")")
    #expect(run.stdout == "done\n")
    // The windows are fixed and aligned to the epoch: requests 21-30 cannot be answered before
    // the second rollover after the first request, which is more than one window (2 s) later
    // whatever the start's phase. (3.5 s held only for a start early in a window: flaky.)
    #expect(Date().timeIntervalSince(started) >= 2.0, "30 requests at 10/2s span two window rollovers")
  }

  @Test func faultsGiveTheSameGetResults() async throws {
    let source = """
      local ids = {}
      for agent in te.agents.each() do ids[#ids + 1] = agent.agentId end
      for test in te.tests.each() do ids[#ids + 1] = test.testId .. ":" .. te.tests.get(test.testId).testName end
      print(table.concat(ids, ","))
      """
    let clean = try await TEHarness.run("faults.lua", source: source)
    let faulty = try await TEHarness.run(
      "faults.lua", source: source,
      simulator: {
        $0.errorRate = 0.2
        $0.dropRate = 0.05
      })
    #expect(clean.error == nil)
    #expect(faulty.error == nil, "\(faulty.error.map { "\($0)" } ?? "")")
    #expect(!clean.stdout.isEmpty)
    #expect(faulty.stdout == clean.stdout)
  }

  @Test func luaErrorExposesTheAPIStatus() async throws {
    let value = LuaValue.table(LuaTable(fields: ["kind": .text("api"), "status": .integer(403)]))
    let error = LuaError(kind: .runtime, message: "GET /users: 403 Forbidden", value: value)
    #expect(error.teAPIStatus == 403)
    #expect(error.isTEAuthorizationFailure)
    #expect(LuaError(kind: .runtime, message: "x").teAPIStatus == nil)
  }
}
