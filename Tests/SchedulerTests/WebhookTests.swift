import Foundation
import Scheduler
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A loopback HTTP server that accepts one request, answers `status`, and hands back the raw
/// request text.
private final class OneRequestServer: @unchecked Sendable {
  let port: UInt16
  private let socketDescriptor: Int32

  init() throws {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
    }
    guard bound == 0, listen(descriptor, 1) == 0 else {
      close(descriptor)
      throw POSIXError(.EADDRINUSE)
    }
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    socketDescriptor = descriptor
    port = UInt16(bigEndian: address.sin_port)
  }

  deinit { close(socketDescriptor) }

  /// Accepts one connection, reads the request (headers and Content-Length body) and answers.
  func receive(status: Int) async -> String {
    await withCheckedContinuation { continuation in
      DispatchQueue.global().async {
        let client = accept(self.socketDescriptor, nil, nil)
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
          let count = read(client, &buffer, buffer.count)
          if count <= 0 { break }
          received += buffer[0..<count]
          let text = String(decoding: received, as: UTF8.self)
          if let split = text.range(of: "\r\n\r\n") {
            let headers = text[..<split.lowerBound].lowercased()
            let length =
              headers.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
              .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }
              ?? 0
            if text.utf8.count - text[..<split.upperBound].utf8.count >= length { break }
          }
        }
        let reply = "HTTP/1.1 \(status) X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        _ = reply.withCString { write(client, $0, strlen($0)) }
        close(client)
        continuation.resume(returning: String(decoding: received, as: UTF8.self))
      }
    }
  }
}

@Suite struct WebhookTests {
  @Test func failedRunPostsAJSONSummary() async throws {
    let fixture = try SchedulerFixture()
    let server = try OneRequestServer()
    let job = try fixture.schedule(
      """
      jobs:
        - name: hooked
          runbook: crash
          cron: '@daily'
          on_failure: { webhook: "http://127.0.0.1:\(server.port)/hook?secret=abc" }
      """
    ).jobs[0]
    async let request = server.receive(status: 204)
    let record = await fixture.runner(clock: SystemClock()).run(job, workingDirectory: fixture.folder)
    let text = await request
    #expect(text.hasPrefix("POST /hook?secret=abc HTTP/1.1\r\n"))
    #expect(text.lowercased().contains("content-type: application/json"))
    let body = try #require(text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) })
    let summary = try JSONDecoder().decode(RunNotifier.Summary.self, from: Data(body.utf8))
    #expect(summary.job == "hooked")
    #expect(summary.runbook == "crash")
    #expect(summary.status == "failed")
    #expect(summary.exitCode == 1)
    #expect(summary.trigger == "manual")
    #expect(summary.logPath == record.logPath)
  }

  @Test func webhookErrorsAreReportedNotThrown() async throws {
    let fixture = try SchedulerFixture()
    let server = try OneRequestServer()
    let job = try fixture.schedule(
      """
      jobs:
        - name: hooked
          runbook: crash
          cron: '@daily'
          on_failure: { webhook: "http://127.0.0.1:\(server.port)/hook?token=secret" }
      """
    ).jobs[0]
    let record = RunRecord(
      job: "hooked", trigger: .schedule, scheduledFor: nil, start: Date(), status: .failed)
    async let request = server.receive(status: 500)
    let problems = await RunNotifier().notify(job: job, record: record, workingDirectory: fixture.folder)
    _ = await request
    #expect(problems == ["webhook http://127.0.0.1:\(server.port)/hook answered 500"])
  }
}
