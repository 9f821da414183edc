import Foundation
import LuaHost
import Simulator
import ThousandEyes
import XCTest

@testable import Runbook

/// The `te` module's Lua runbooks (runbooks/tests/te) run against the simulator.
final class TEModuleTests: XCTestCase {
  private func assertPassed(_ run: TERun, _ name: String, file: StaticString = #filePath, line: UInt = #line)
  {
    XCTAssertNil(run.error, "\(run.error.map { "\($0)" } ?? "")\n\(run.stderr)", file: file, line: line)
    XCTAssertTrue(
      run.stdout.contains("ok \(name) ("), "stdout: \(run.stdout)\nstderr: \(run.stderr)", file: file,
      line: line)
    let audit = (try? String(contentsOfFile: run.auditFile, encoding: .utf8)) ?? ""
    XCTAssertFalse(audit.isEmpty, "the run made requests", file: file, line: line)
    for text in [run.stdout, run.stderr, audit] {
      XCTAssertFalse(text.contains(TEHarness.token), "the token leaked", file: file, line: line)
    }
  }

  func testGenericCalls() async throws {
    let run = try await TEHarness.run("generic.lua", simulator: { $0.pageSize = 25 })
    assertPassed(run, "generic")
  }

  func testResources() async throws {
    let run = try await TEHarness.run("resources.lua", simulator: { $0.pageSize = 50 })
    assertPassed(run, "resources")
  }

  func testContextAndHelpers() async throws {
    let run = try await TEHarness.run("context.lua")
    assertPassed(run, "context")
  }

  func testErrorValues() async throws {
    let run = try await TEHarness.run("errors.lua")
    assertPassed(run, "errors")
  }

  func testUncaughtAPIErrorNamesTheRunbookLine() async throws {
    let run = try await TEHarness.run("uncaught.lua")
    XCTAssertEqual(run.stdout, "before\n")
    let failure = try XCTUnwrap(run.error as? CommandFailure)
    XCTAssertEqual(failure.exitStatus, .runbookError)
    XCTAssertTrue(failure.message.contains("uncaught.lua:8"), failure.message)
    XCTAssertTrue(failure.message.contains("GET /users/424242: 404 "), failure.message)
  }

  func testDryRunPlansWritesAndSendsReads() async throws {
    let run = try await TEHarness.run("dry_run.lua", dryRun: true)
    assertPassed(run, "dry_run")
    XCTAssertTrue(run.stderr.contains("dry-run: would POST /users (createUser, user)"), run.stderr)
    let audit = try String(contentsOfFile: run.auditFile, encoding: .utf8)
    XCTAssertFalse(audit.contains(#""method":"POST","path":"\/users""#))
    XCTAssertFalse(audit.contains(#""path":"/users","query":"","status":201"#))
    XCTAssertTrue(audit.contains(#""method":"POST","path":"/endpoint/agents/filter""#), audit)
  }

  func testUnauthorizedIsAnAPIErrorWithStatus401() async throws {
    let run = try await TEHarness.run(
      "unauthorized.lua", source: "te.users.list()\n", client: { $0.token = APIToken("not-the-token") })
    let failure = try XCTUnwrap(run.error as? CommandFailure)
    XCTAssertTrue(failure.message.contains("unauthorized.lua:1"), failure.message)
    XCTAssertTrue(failure.message.contains("GET /users: 401 "), failure.message)
    XCTAssertFalse(failure.message.contains("not-the-token"))
  }

  func testRateLimitStormReachesNoRunbook() async throws {
    let source = """
      for i = 1, 30 do
        te.get("/agents")
      end
      print("done")
      """
    let started = Date()
    let run = try await TEHarness.run(
      "storm.lua", source: source, simulator: { $0.rateLimit = .init(limit: 10, window: 2) })
    XCTAssertNil(run.error, "\(run.error.map { "\($0)" } ?? "")")
    XCTAssertEqual(run.stdout, "done\n")
    // The windows are fixed and aligned to the epoch: requests 21-30 cannot be answered before
    // the second rollover after the first request, which is more than one window (2 s) later
    // whatever the start's phase. (3.5 s held only for a start early in a window: flaky.)
    XCTAssertGreaterThanOrEqual(
      Date().timeIntervalSince(started), 2.0, "30 requests at 10/2s span two window rollovers")
  }

  func testFaultsGiveTheSameGetResults() async throws {
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
    XCTAssertNil(clean.error)
    XCTAssertNil(faulty.error, "\(faulty.error.map { "\($0)" } ?? "")")
    XCTAssertFalse(clean.stdout.isEmpty)
    XCTAssertEqual(faulty.stdout, clean.stdout)
  }

  func testLuaErrorExposesTheAPIStatus() async throws {
    let value = LuaValue.table(LuaTable(fields: ["kind": .text("api"), "status": .integer(403)]))
    let error = LuaError(kind: .runtime, message: "GET /users: 403 Forbidden", value: value)
    XCTAssertEqual(error.teAPIStatus, 403)
    XCTAssertTrue(error.isTEAuthorizationFailure)
    XCTAssertNil(LuaError(kind: .runtime, message: "x").teAPIStatus)
  }
}
