import Foundation
import Testing

@testable import ThousandEyes

@Suite struct CatalogTests {
  @Test func holdsAll297OperationsWithUniqueIDs() {
    #expect(Catalog.operations.count == 297)
    #expect(Set(Catalog.operations.map(\.id)).count == 297)
    #expect(Set(Catalog.operations.map { "\($0.method) \($0.path)" }).count == 297)
    #expect(Catalog.operations.allSatisfy { !$0.command.isEmpty })
  }

  @Test func everyGetReadsAndEveryPutPatchDeleteWrites() {
    for operation in Catalog.operations {
      switch operation.method {
      case .get: #expect(operation.access == .read, "\(operation.id)")
      case .put, .patch, .delete: #expect(operation.access == .write, "\(operation.id)")
      case .post: break
      }
    }
  }

  @Test func postsThatOnlyFilterReadAndActionsWrite() throws {
    let reads = [
      "filterOutages", "filterCatalogProviders", "filterEndpointAgents", "filterRealUserTestsResults",
      "getSingleTestFilteredHttpServerScheduledTestResults",
    ]
    for id in reads {
      #expect(Catalog.operation(id: id)?.access == .read, "\(id)")
    }
    let writes = [
      "runInstantTest", "createAgentToServerInstantTest", "deployTemplate", "createDashboardFilter",
      "regenerateApiToken", "assignTags", "createUser", "enableEndpointAgent", "createTestSnapshot",
    ]
    for id in writes {
      #expect(Catalog.operation(id: id)?.access == .write, "\(id)")
    }
    let posts = Catalog.operations.filter { $0.method == .post }
    #expect(posts.count == 86)
    #expect(posts.filter { $0.access == .read }.count == 12)
  }

  @Test func operationDetails() throws {
    let update = try #require(Catalog.operation(id: "updateAgentToServerTest"))
    #expect(update.method == .put)
    #expect(update.path == "/tests/agent-to-server/{testId}")
    #expect(update.pathParameters == ["testId"])
    #expect(update.queryParameters.contains("aid"))
    #expect(update.command == "tests/agent-to-server/update")
    #expect(update.objectKind == "agent-to-server test")
    let writable = try #require(update.requestFields)
    #expect(writable.contains("interval"))
    #expect(writable.contains("agents"))
    #expect(!writable.contains("dscp"), "read-only in the request schema")
    #expect(!writable.contains("testId"))
    #expect(Catalog.operation(id: "getAgentToServerTest")?.responseFields.contains("createdDate") ?? false)
    #expect(Catalog.operation(id: "getUsers")?.requestFields == nil)
    #expect(Catalog.operation(id: "getUser")?.objectKind == "user")
    #expect(Catalog.operation(id: "createAccountGroup")?.objectKind == "account group")

    let results = try #require(Catalog.operation(id: "getTestNetworkResults"))
    #expect(results.isPaginated)
    #expect(results.collectionKey == "results")
    #expect(results.queryParameters.contains("cursor"))
    #expect(Catalog.operation(id: "getAlerts")?.collectionKey == "alerts")
    #expect(!(Catalog.operation(id: "getUsers")?.isPaginated ?? true))

    #expect(Catalog.operation(id: "runInstantTest")?.isInstantTest ?? false)
    #expect(Catalog.operation(id: "createHttpServerInstantTest")?.isInstantTest ?? false)
    #expect(!(Catalog.operation(id: "createHttpServerTest")?.isInstantTest ?? true))
  }

  @Test func matchPrefersLiteralSegments() {
    #expect(Catalog.match(method: .get, path: "/tests/agent-to-server/123")?.id == "getAgentToServerTest")
    #expect(Catalog.match(method: .get, path: "/tests/agent-to-server")?.id == "getAgentToServerTests")
    #expect(
      Catalog.match(method: .post, path: "/tests/agent-to-server/instant")?.id
        == "createAgentToServerInstantTest")
    #expect(Catalog.match(method: .post, path: "/tests/281474976710656/run")?.id == "runInstantTest")
    #expect(Catalog.match(method: .get, path: "/v7/users?aid=12")?.id == "getUsers")
    #expect(Catalog.match(method: .get, path: "/test-results/99/network")?.id == "getTestNetworkResults")
    #expect(Catalog.match(method: .post, path: "/internet-insights/outages/filter")?.access == .read)
    #expect(Catalog.match(method: .get, path: "/no-such-thing") == nil)
    #expect(Catalog.match(method: .patch, path: "/users/1") == nil)
    #expect(Catalog.access(method: .post, path: "/tests/1/2/3/4/5/6/7") == nil)
  }
}
