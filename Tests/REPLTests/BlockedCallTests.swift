import Foundation
import REPL
import ThousandEyes
import XCTest

#if canImport(Glibc)
  import Glibc
#endif

/// A statement blocked in a `te` call (a request that gets no answer, `te.sleep`) stops on
/// Ctrl-C and on its timeout like a Lua loop does, instead of waiting for the call to return.
final class BlockedCallTests: XCTestCase {
  /// A loopback port that accepts connections (the kernel's backlog) but never answers.
  private final class SilentServer {
    let socket: Int32
    let port: Int

    init() throws {
      let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_addr.s_addr = inet_addr("127.0.0.1")
      address.sin_port = 0
      var length = socklen_t(MemoryLayout<sockaddr_in>.size)
      let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
      }
      guard bound == 0, listen(socket, 16) == 0 else {
        close(socket)
        throw CocoaError(.fileWriteUnknown)
      }
      _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
      }
      self.socket = socket
      port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(socket) }
  }

  private func withClient(
    _ baseURL: URL, _ body: (ThousandEyesClient) throws -> Void
  ) throws {
    var configuration = ClientConfiguration(baseURL: baseURL, token: APIToken("tok-repl-blocked"))
    configuration.showsProgress = false
    configuration.retry.maxAttempts = 1
    let client = try ThousandEyesClient(configuration: configuration)
    defer {
      let done = DispatchSemaphore(value: 0)
      Task {
        try? await client.shutdown()
        done.signal()
      }
      done.wait()
    }
    try body(client)
  }

  func testCtrlCStopsAStatementWaitingForAnAnswer() throws {
    let server = try SilentServer()
    try withClient(URL(string: "http://127.0.0.1:\(server.port)")!) { client in
      let repl = try SessionFixture(client: client)
      let stopper = Thread {
        Thread.sleep(forTimeInterval: 0.3)
        REPLSession.interruptRunningStatement()
      }
      let started = Date()
      stopper.start()
      XCTAssertEqual(repl.feed("te.get('/agents')"), .ran(succeeded: false))
      let elapsed = Date().timeIntervalSince(started)
      XCTAssertLessThan(elapsed, 5, "stopped within the 50 ms polling, not at the request's own timeout")
      XCTAssertEqual(repl.errors, "interrupted\n")
      // The session goes on.
      repl.feed("x = 5", "x")
      XCTAssertEqual(repl.output, "5\n")
    }
  }

  func testTheStatementTimeoutStopsTeSleepAndPcallCannotSwallowIt() throws {
    try withClient(URL(string: "http://127.0.0.1:9")!) { client in
      let repl = try SessionFixture(limits: StatementLimits(timeout: 0.3), client: client)
      let started = Date()
      XCTAssertEqual(repl.feed("pcall(te.sleep, 30) while true do end"), .ran(succeeded: false))
      XCTAssertLessThan(Date().timeIntervalSince(started), 5)
      XCTAssertEqual(repl.errors, "timeout: the statement ran longer than 0.3s\n")
      XCTAssertEqual(repl.feed("te.sleep(0.05) return 7"), .ran(succeeded: true))
      XCTAssertEqual(repl.output, "7\n")
    }
  }
}
