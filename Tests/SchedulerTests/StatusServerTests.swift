import AsyncHTTPClient
import Foundation
import NIOCore
import Scheduler
import Testing

/// The daemon's HTTP side over real HTTP on loopback: health, metrics, the status page (escaped),
/// logs and output files (confined to the run's folder), and "run now" behind its token.
@Suite struct StatusServerTests {
  struct Served {
    let fixture: SchedulerFixture
    let daemon: ScheduleDaemon
    let server: StatusServer
    let metrics: ScheduleMetrics
    let clock: ManualClock
    var base: String { "http://127.0.0.1:\(server.port)" }
  }

  static let yaml = """
    jobs:
      - name: writer
        runbook: write
        params: { label: "<script>alert('x')</script>&" }
        cron: '0 * * * *'
        timezone: Europe/Berlin
      - name: broken
        runbook: crash
        cron: '30 * * * *'
        retries: 1
        retry_delay: 1s
    """

  private func serve(token: String? = nil) async throws -> Served {
    let fixture = try SchedulerFixture()
    let clock = ManualClock(start: date("2026-11-27T10:00:00Z"))
    let metrics = ScheduleMetrics()
    let runner = fixture.runner(clock: clock)
    let daemon = ScheduleDaemon(
      file: try fixture.schedule(Self.yaml), runner: runner, clock: clock, metrics: metrics)
    let server = try await StatusServer.start(
      daemon: daemon, history: fixture.history, metrics: metrics, clock: clock,
      options: StatusServerOptions(host: "127.0.0.1", port: 0, triggerToken: token))
    return Served(fixture: fixture, daemon: daemon, server: server, metrics: metrics, clock: clock)
  }

  private func get(_ url: String) async throws -> (Int, String, [String: String]) {
    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
    let body = try await response.body.collect(upTo: 1 << 22)
    var headers: [String: String] = [:]
    for header in response.headers { headers[header.name.lowercased()] = header.value }
    return (Int(response.status.code), String(buffer: body), headers)
  }

  /// POSTs `form`, without following a redirect.
  private func post(_ url: String, form: String) async throws -> (Int, String, String?) {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
    request.body = .bytes(ByteBuffer(string: form))
    let client = HTTPClient(
      eventLoopGroupProvider: .singleton,
      configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))
    do {
      let response = try await client.execute(request, timeout: .seconds(10))
      let body = try await response.body.collect(upTo: 1 << 20)
      try await client.shutdown()
      return (Int(response.status.code), String(buffer: body), response.headers.first(name: "Location"))
    } catch {
      try? await client.shutdown()
      throw error
    }
  }

  @Test func healthMetricsAndAnEscapedStatusPage() async throws {
    let served = try await serve()
    defer { Task { await served.server.stop() } }
    let runner = served.fixture.runner(clock: served.clock)
    let job = await served.daemon.scheduleFile.jobs[0]
    let record = await runner.run(job, workingDirectory: served.fixture.folder)
    served.metrics.track(["writer", "broken"], history: served.fixture.history)

    var (status, body, headers) = try await get(served.base + "/healthz")
    #expect(status == 200 && body == "ok\n")

    (status, body, headers) = try await get(served.base + "/metrics")
    #expect(status == 200)
    #expect(headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
    #expect(body.contains("# TYPE terun_schedule_runs_total counter"))
    #expect(body.contains("terun_schedule_runs_total{job=\"broken\",outcome=\"failed\"} 0"))
    #expect(body.contains("terun_schedule_last_success_timestamp_seconds{job=\"writer\"} "))

    (status, body, headers) = try await get(served.base + "/")
    #expect(status == 200)
    #expect(headers["content-type"] == "text/html; charset=utf-8")
    #expect(headers["content-security-policy"]?.contains("default-src 'none'") == true)
    #expect(body.contains("<h2>writer <span class=\"badge ok\">ok</span></h2>"))
    #expect(body.contains("<h2>broken <span class=\"badge none\">never run</span></h2>"))
    #expect(body.contains("label=&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"))
    #expect(!body.contains("<script"))
    #expect(!body.contains("src=\"http") && !body.contains("href=\"http"), "no external assets")
    #expect(body.contains("<meta name=\"viewport\""))
    #expect(body.contains("Europe/Berlin"))
    #expect(!body.contains("Run now"), "read-only by default")
    let id = try #require(record.id)
    #expect(body.contains("<a href=\"/runs/\(id)/log\">log</a>"))
    #expect(body.contains("<a href=\"/runs/\(id)/file?path=report.csv\">report.csv</a>"))

    (status, body, headers) = try await get(served.base + "/runs/\(id)/log")
    #expect(status == 200 && body == "wrote\n")
    #expect(headers["content-type"] == "text/plain; charset=utf-8")
    (status, body, _) = try await get(served.base + "/runs/\(id)/file?path=report.csv")
    #expect(status == 200 && body == "a,b\n")
    for escape in ["../../history.sqlite", "/etc/passwd", "..", "./report.csv", "a/../../x"] {
      let query = escape.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
      (status, body, _) = try await get(served.base + "/runs/\(id)/file?path=\(query)")
      #expect(status == 404, "\(escape)")
    }
    try FileManager.default.createSymbolicLink(
      atPath: record.outDir! + "/link", withDestinationPath: served.fixture.state.historyPath)
    (status, _, _) = try await get(served.base + "/runs/\(id)/file?path=link")
    #expect(status == 404, "a link out of the run's folder")
    (status, _, _) = try await get(served.base + "/runs/999/log")
    #expect(status == 404)

    // A page on another origin cannot read it through DNS rebinding: the Host must be loopback.
    var rebound = HTTPClientRequest(url: served.base + "/")
    rebound.headers.replaceOrAdd(name: "Host", value: "attacker.example:\(served.server.port)")
    let refused = try await HTTPClient.shared.execute(rebound, timeout: .seconds(10))
    #expect(refused.status.code == 421)
    var local = HTTPClientRequest(url: served.base + "/healthz")
    local.headers.replaceOrAdd(name: "Host", value: "localhost:\(served.server.port)")
    #expect(try await HTTPClient.shared.execute(local, timeout: .seconds(10)).status.code == 200)

    // Run now is refused without --allow-trigger.
    let (code, message, _) = try await post(served.base + "/jobs/writer/run", form: "token=anything")
    #expect(code == 403)
    #expect(message == "run now is disabled: start the daemon with --allow-trigger and --ui-token-file\n")
  }

  @Test func runNowNeedsTheToken() async throws {
    let token = "s3cret-token-0123456789"
    let served = try await serve(token: token)
    defer { Task { await served.server.stop() } }
    let (_, page, _) = try await get(served.base + "/")
    #expect(page.contains("<form method=\"post\" action=\"/jobs/writer/run\" class=\"trigger\">"))
    #expect(page.contains("type=\"password\" name=\"token\""))
    #expect(!page.contains(token))

    for form in ["", "token=", "token=wrong", "token=\(token)x", "tok=\(token)"] {
      let (status, body, _) = try await post(served.base + "/jobs/writer/run", form: form)
      #expect(status == 403, "\(form)")
      #expect(body == "run now refused: wrong or missing token\n")
    }
    #expect(try served.fixture.history.runs().isEmpty)

    var (status, body, location) = try await post(served.base + "/jobs/nope/run", form: "token=\(token)")
    #expect(status == 404 && body == "no such job\n")
    (status, _, location) = try await post(served.base + "/jobs/writer/run", form: "token=\(token)")
    #expect(status == 303 && location == "/?notice=started")
    try await eventually("the triggered run") {
      try served.fixture.history.runs(job: "writer").first?.status == .ok
    }
    let run = try #require(try served.fixture.history.runs(job: "writer").first)
    #expect(run.trigger == .manual)
  }
}
