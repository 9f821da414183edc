import Foundation
import REPL
import Testing
import ThousandEyes

#if canImport(Glibc)
  import Glibc
#endif

extension REPLSessionSuites {
  /// A statement blocked in a `te` call (a request that gets no answer, `te.sleep`) stops on
  /// Ctrl-C and on its timeout like a Lua loop does, instead of waiting for the call to return.
  @Suite struct BlockedCallTests {
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

    private static func withClient<T>(
      _ baseURL: URL, _ body: (ThousandEyesClient) throws -> T
    ) throws -> T {
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
      return try body(client)
    }

    /// What a session showed after each statement: its outcome, seconds taken, stdout, stderr.
    private struct Step: Sendable {
      var outcome: REPLSession.Outcome
      var seconds: Double
      var output: String
      var errors: String
    }

    /// Feeds `statement` to `repl` and records what it did.
    private static func step(_ repl: SessionFixture, _ statement: String) -> Step {
      let started = Date()
      let outcome = repl.feed(statement)
      return Step(
        outcome: outcome, seconds: Date().timeIntervalSince(started), output: repl.output, errors: repl.errors
      )
    }

    // The session runs on a thread of its own (`onOwnThread`); the expectations are checked here,
    // in the test's task, where they are recorded against the test.

    @Test func ctrlCStopsAStatementWaitingForAnAnswer() async throws {
      let steps = try await onOwnThread {
        let server = try SilentServer()
        return try Self.withClient(URL(string: "http://127.0.0.1:\(server.port)")!) { client in
          let repl = try SessionFixture(client: client)
          let stopper = Thread {
            Thread.sleep(forTimeInterval: 0.3)
            REPLSession.interruptRunningStatement()
          }
          stopper.start()
          let blocked = Self.step(repl, "te.get('/agents')")
          // The session goes on.
          repl.feed("x = 5")
          return [blocked, Self.step(repl, "x")]
        }
      }
      #expect(steps[0].outcome == .ran(succeeded: false))
      #expect(steps[0].seconds < 5, "stopped within the 50 ms polling, not at the request's own timeout")
      #expect(steps[0].errors == "interrupted\n")
      #expect(steps[1].output == "5\n")
    }

    @Test func theStatementTimeoutStopsTeSleepAndPcallCannotSwallowIt() async throws {
      let steps = try await onOwnThread {
        try Self.withClient(URL(string: "http://127.0.0.1:9")!) { client in
          let repl = try SessionFixture(limits: StatementLimits(timeout: 0.3), client: client)
          return [
            Self.step(repl, "pcall(te.sleep, 30) while true do end"),
            Self.step(repl, "te.sleep(0.05) return 7"),
          ]
        }
      }
      #expect(steps[0].outcome == .ran(succeeded: false))
      #expect(steps[0].seconds < 5)
      #expect(steps[0].errors == "timeout: the statement ran longer than 0.3s\n")
      #expect(steps[1].outcome == .ran(succeeded: true))
      #expect(steps[1].output == "7\n")
    }
  }
}
