import Foundation
import Simulator
import Testing
import ThousandEyes

@testable import Runbook

/// `te.parallel`: the coroutine scheduler over requests in flight. Each runbook runs against
/// an in-process simulator whose answers take a random 20-120 ms, so that they complete out of
/// order.
@Suite("te.parallel scheduler")
struct ParallelSchedulerTests {
  private static func run(
    _ source: String, dryRun: Bool = false, latency: ClosedRange<Int>? = 20...120,
    planner: TEWritePlanner? = nil, client: (inout ClientConfiguration) -> Void = { _ in }
  ) async throws -> TERun {
    try await TEHarness.run(
      "parallel.lua", source: "runbook { name = \"parallel\" }\n" + source, dryRun: dryRun,
      simulator: { options in
        options.latency = latency
        options.seed = 7
      }, client: client, planner: planner)
  }

  /// The audit log's entries: (start, end) in seconds, and the status.
  private static func audit(_ path: String) throws -> [(start: Double, end: Double, status: Int?)] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return try text.split(separator: "\n").map { line in
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
      // `2026-12-01T12:20:25.748Z`: whole seconds, then the milliseconds.
      let time = object["time"] as! String
      let parts = time.dropLast().split(separator: ".")
      let seconds = ISO8601DateFormatter().date(from: parts[0] + "Z")!.timeIntervalSince1970
      let end = seconds + (parts.count > 1 ? Double("0." + parts[1])! : 0)
      let duration = (object["duration_ms"] as? Double ?? 0) / 1000
      return (end - duration, end, object["status"] as? Int)
    }
  }

  /// The most requests that were in flight at the same moment (the peak is at some start).
  /// The audit's times are whole milliseconds: a request that ends within 2 ms of another's
  /// start is not counted as overlapping it.
  private static func peakOverlap(_ entries: [(start: Double, end: Double, status: Int?)]) -> Int {
    entries.map { entry in
      entries.filter { $0.start <= entry.start && entry.start + 0.002 < $0.end }.count
    }.max() ?? 0
  }

  @Test("results come back in item order, with the requests overlapping")
  func ordering() async throws {
    let run = try await Self.run(
      """
      local items = {}
      for i = 1, 24 do items[i] = i end
      local results, errors = te.parallel(items, function(item, index)
        local group = te.get("/account-groups")
        assert(index == item)
        return item * 10 + (group and 0 or 1)
      end, { concurrency = 6 })
      print(table.concat(results, ","), next(errors) == nil)
      """)
    #expect(run.error == nil, "\(String(describing: run.error)) \(run.stderr)")
    let expected = (1...24).map { String($0 * 10) }.joined(separator: ",")
    #expect(run.stdout == expected + "\ttrue\n")
    let entries = try Self.audit(run.auditFile)
    #expect(entries.count == 24)
    let peak = Self.peakOverlap(entries)
    #expect(peak >= 3 && peak <= 6, "peak requests in flight: \(peak)")
  }

  @Test("an item's error is collected and the others still run")
  func errorsPerItem() async throws {
    let run = try await Self.run(
      """
      local items = { "a", "b", "c", "d", "e", "f" }
      local results, errors = te.parallel(items, function(item, index)
        if item == "b" then error("bad item " .. item) end
        if item == "d" then return te.get("/tests/999999999") end
        te.get("/account-groups")
        if item == "e" then error({ code = 42 }) end
        return item:upper()
      end)
      print(results[1], results[2], results[3], results[4], results[5], results[6])
      print(errors[1], errors[2], errors[3], errors[4].status, errors[4].kind, errors[5].code, errors[6])
      """)
    #expect(run.error == nil, "\(String(describing: run.error)) \(run.stderr)")
    let lines = run.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first == "A\tnil\tC\tnil\tnil\tF")
    #expect(lines.count == 2)
    #expect(lines.last?.contains("bad item b") == true, "\(run.stdout)")
    #expect(lines.last?.hasPrefix("nil\t") == true)
    #expect(lines.last?.hasSuffix("\tnil\t404\tapi\t42\tnil") == true, "\(run.stdout)")
  }

  @Test("fail_fast cancels what has not finished and marks it cancelled")
  func failFast() async throws {
    let run = try await Self.run(
      """
      local items = {}
      for i = 1, 40 do items[i] = i end
      local results, errors = te.parallel(items, function(item)
        if item == 3 then error("item 3 failed") end
        te.get("/account-groups")
        return item
      end, { concurrency = 4, fail_fast = true })
      local done, cancelled, failed = 0, 0, 0
      for i = 1, 40 do
        if results[i] then done = done + 1
        elseif type(errors[i]) == "table" and errors[i].kind == "cancelled" then cancelled = cancelled + 1
        elseif errors[i] then failed = failed + 1 end
      end
      print(done + cancelled + failed, failed, cancelled > 30, errors[40].message)
      """, latency: 150...200)
    #expect(run.error == nil, "\(String(describing: run.error)) \(run.stderr)")
    #expect(run.stdout == "40\t1\ttrue\tte.parallel: cancelled after item 3 failed (fail_fast)\n")
    // Items 1 and 2 started before 3 failed; at most they (and their requests) ran.
    #expect(try Self.audit(run.auditFile).count <= 3)
  }

  @Test("a dry run plans the writes in item order: the plan is the sequential plan")
  func dryRunPlanOrder() async throws {
    let body = """
      local items = {}
      for i = 1, 12 do items[i] = string.format("user%02d@example.com", i) end
      local function create(email, index)
        te.get("/account-groups")
        return te.users.create({ name = "User " .. index, email = email, loginAccountGroupId = "1234",
          accountGroupRoles = te.json.array({ { accountGroupId = "1234", roleIds = te.json.array({ "1" }) } }) })
      end
      """
    func plan(_ source: String) async throws -> [String] {
      // The planner checks ids through its client: a second simulator with the same world.
      var options = SimulatorOptions()
      options.token = TEHarness.token
      let world = try await SimulatorServer.start(options)
      defer { Task { await world.stop() } }
      let client = try ThousandEyesClient(
        configuration: ClientConfiguration(
          baseURL: URL(string: world.baseURL)!, token: APIToken(TEHarness.token)))
      defer { Task { try? await client.shutdown() } }
      let planner = DryRunPlanner(client: client)
      let run = try await Self.run(body + "\n" + source, dryRun: true, planner: planner)
      #expect(run.error == nil, "\(String(describing: run.error)) \(run.stderr)")
      let source = RunbookSource(displayName: "parallel.lua", bytes: [], folder: "/")
      let writes = planner.makePlan(
        source: source, parameters: [:], createdAt: Date(timeIntervalSince1970: 0)
      ).writes
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      return try writes.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
    }
    let parallel = try await plan("te.parallel(items, create, { concurrency = 8 })")
    let sequential = try await plan("for i, email in ipairs(items) do create(email, i) end")
    #expect(parallel.count == 12)
    #expect(parallel == sequential)
    #expect(parallel.first?.contains("user01@example.com") == true)
    #expect(parallel.last?.contains("user12@example.com") == true)
  }

  @Test("hostile functions: a direct yield, nesting, a huge list, bad arguments")
  func hostile() async throws {
    let run = try await Self.run(
      """
      local _, errors = te.parallel({ 1, 2 }, function(item)
        if item == 2 then coroutine.yield("fake", 1) end
        return item
      end)
      print(errors[1], errors[2])
      local outer = te.parallel({ 1, 2, 3 }, function(a)
        local inner = te.parallel({ 1, 2 }, function(b)
          te.get("/account-groups")
          return a * 10 + b
        end)
        return table.concat(inner, "+")
      end)
      print(table.concat(outer, " "))
      local many = {}
      for i = 1, 100000 do many[i] = i end
      local results = te.parallel(many, function(i) return i * 2 end)
      print(#results, results[100000])
      print(pcall(te.parallel, nil, print))
      print(pcall(te.parallel, {}, print, { concurrency = 0 }))
      print(pcall(te.parallel, {}, "print"))
      local _, aid_errors = te.parallel({ 1 }, function() te.with_aid("1234", function() end) end)
      print(aid_errors[1])
      local in_group = te.with_aid("1234", function()
        return te.parallel({ 1 }, function() return te.account_groups.current().aid end)
      end)
      print(in_group[1])
      """)
    #expect(run.error == nil, "\(String(describing: run.error)) \(run.stderr)")
    let lines = run.stdout.split(separator: "\n").map(String.init)
    #expect(lines.count == 8, "\(run.stdout)")
    #expect(lines[0].hasPrefix("nil\tte.parallel: item 2's function yielded outside a te request"))
    #expect(lines[1] == "11+12 21+22 31+32")
    #expect(lines[2] == "100000\t200000")
    #expect(
      lines[3].contains("false\t")
        && lines[3].contains("bad argument #1 to 'te.parallel' (table expected, got nil)"))
    #expect(lines[4].contains("te.parallel: concurrency must be a positive integer, got 0"))
    #expect(lines[5].contains("bad argument #2 to 'te.parallel' (function expected, got string)"))
    #expect(lines[6].contains("te.with_aid cannot be used inside a te.parallel function"), "\(lines[6])")
    #expect(lines[7] == "1234")
  }

  @Test("concurrency is capped by the client's maximum")
  func capped() async throws {
    let run = try await Self.run(
      """
      local items = {}
      for i = 1, 12 do items[i] = i end
      te.parallel(items, function() te.get("/account-groups") end, { concurrency = 50 })
      """, latency: 100...150, client: { $0.maxConcurrency = 2 })
    #expect(run.error == nil, "\(String(describing: run.error)) \(run.stderr)")
    let peak = Self.peakOverlap(try Self.audit(run.auditFile))
    #expect(peak == 2, "peak requests in flight: \(peak)")
  }
}
