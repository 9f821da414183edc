import Foundation
import Testing

@testable import Simulator

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

@Suite struct FaultTests {
  /// Sends `count` GETs and records each outcome: a status, or "drop".
  func outcomes(_ configure: @escaping (inout SimulatorOptions) -> Void, count: Int = 24) async throws
    -> [String]
  {
    let server = try await startSimulator(configure)
    defer { Task { await server.stop() } }
    var result: [String] = []
    for _ in 0..<count {
      // A fresh session per request, so a dropped connection is never reused.
      let client = SimClient(server)
      do {
        result.append(String(try await client.get("/agents").status))
      } catch {
        result.append("drop")
      }
    }
    return result
  }

  @Test func errorFaultsAreReproducibleFromTheSeed() async throws {
    let a = try await outcomes {
      $0.seed = 42
      $0.errorRate = 0.4
    }
    let b = try await outcomes {
      $0.seed = 42
      $0.errorRate = 0.4
    }
    let c = try await outcomes {
      $0.seed = 43
      $0.errorRate = 0.4
    }
    #expect(a == b)
    #expect(a != c)
    #expect(a.contains("200"))
    #expect(Set(a).isSubset(of: ["200", "500", "502", "503"]))
    #expect(a.filter { $0 != "200" }.count > 3)
  }

  @Test func dropsAreReproducibleAndTheRequestActedBeforeTheDrop() async throws {
    let a = try await outcomes {
      $0.seed = 7
      $0.dropRate = 0.5
    }
    let b = try await outcomes {
      $0.seed = 7
      $0.dropRate = 0.5
    }
    #expect(a == b)
    #expect(a.contains("drop"))
    #expect(a.contains("200"))

    let server = try await startSimulator {
      $0.seed = 1
      $0.dropRate = 1
    }
    defer { Task { await server.stop() } }
    do {
      _ = try await SimClient(server).send("POST", "/roles", body: #"{"name": "Made before the drop"}"#)
      Issue.record("the connection should have been dropped")
    } catch {}
    let names = server.withWorld { state in state.roles.map(\.name) }
    #expect(names.contains("Made before the drop"))
  }

  @Test func erroredRequestsDoNothing() async throws {
    let server = try await startSimulator {
      $0.seed = 3
      $0.errorRate = 1
    }
    defer { Task { await server.stop() } }
    let reply = try await SimClient(server).send("POST", "/roles", body: #"{"name": "Never"}"#)
    #expect([500, 502, 503].contains(reply.status))
    #expect(reply.contentType == "application/problem+json")
    #expect(reply.body["detail"] == "Simulated fault (--error-rate).")
    let names = server.withWorld { state in state.roles.map(\.name) }
    #expect(!names.contains("Never"))
  }

  @Test func latencyIsAddedWithinTheRange() async throws {
    let server = try await startSimulator { $0.latency = 150...200 }
    defer { Task { await server.stop() } }
    let start = Date()
    _ = try await SimClient(server).get("/agents")
    #expect(Date().timeIntervalSince(start) >= 0.15)
  }

  @Test func faultSequenceDependsOnlyOnSeedAndOrder() {
    let a = FaultInjector(seed: 9, errorRate: 0.3, dropRate: 0.2, latency: 10...50)
    let b = FaultInjector(seed: 9, errorRate: 0.3, dropRate: 0.2, latency: 10...50)
    let da = (0..<100).map { _ in a.next() }
    #expect(da == (0..<100).map { _ in b.next() })
    #expect(da.allSatisfy { (10...50).contains($0.delayMilliseconds) })
    #expect(!(da.contains { $0.drop && $0.errorStatus != nil }))
  }
}
