import XCTest

@testable import ThousandEyes

final class CatalogTests: XCTestCase {
  func testHoldsAll297OperationsWithUniqueIDs() {
    XCTAssertEqual(Catalog.operations.count, 297)
    XCTAssertEqual(Set(Catalog.operations.map(\.id)).count, 297)
    XCTAssertEqual(Set(Catalog.operations.map { "\($0.method) \($0.path)" }).count, 297)
    XCTAssertTrue(Catalog.operations.allSatisfy { !$0.command.isEmpty })
  }

  func testEveryGetReadsAndEveryPutPatchDeleteWrites() {
    for operation in Catalog.operations {
      switch operation.method {
      case .get: XCTAssertEqual(operation.access, .read, operation.id)
      case .put, .patch, .delete: XCTAssertEqual(operation.access, .write, operation.id)
      case .post: break
      }
    }
  }

  func testPostsThatOnlyFilterReadAndActionsWrite() throws {
    let reads = [
      "filterOutages", "filterCatalogProviders", "filterEndpointAgents", "filterRealUserTestsResults",
      "getSingleTestFilteredHttpServerScheduledTestResults",
    ]
    for id in reads {
      XCTAssertEqual(Catalog.operation(id: id)?.access, .read, id)
    }
    let writes = [
      "runInstantTest", "createAgentToServerInstantTest", "deployTemplate", "createDashboardFilter",
      "regenerateApiToken", "assignTags", "createUser", "enableEndpointAgent", "createTestSnapshot",
    ]
    for id in writes {
      XCTAssertEqual(Catalog.operation(id: id)?.access, .write, id)
    }
    let posts = Catalog.operations.filter { $0.method == .post }
    XCTAssertEqual(posts.count, 86)
    XCTAssertEqual(posts.filter { $0.access == .read }.count, 12)
  }

  func testOperationDetails() throws {
    let update = try XCTUnwrap(Catalog.operation(id: "updateAgentToServerTest"))
    XCTAssertEqual(update.method, .put)
    XCTAssertEqual(update.path, "/tests/agent-to-server/{testId}")
    XCTAssertEqual(update.pathParameters, ["testId"])
    XCTAssertTrue(update.queryParameters.contains("aid"))
    XCTAssertEqual(update.command, "tests/agent-to-server/update")
    XCTAssertEqual(update.objectKind, "agent-to-server test")
    let writable = try XCTUnwrap(update.requestFields)
    XCTAssertTrue(writable.contains("interval"))
    XCTAssertTrue(writable.contains("agents"))
    XCTAssertFalse(writable.contains("dscp"), "read-only in the request schema")
    XCTAssertFalse(writable.contains("testId"))
    XCTAssertTrue(
      Catalog.operation(id: "getAgentToServerTest")?.responseFields.contains("createdDate") ?? false)
    XCTAssertNil(Catalog.operation(id: "getUsers")?.requestFields)
    XCTAssertEqual(Catalog.operation(id: "getUser")?.objectKind, "user")
    XCTAssertEqual(Catalog.operation(id: "createAccountGroup")?.objectKind, "account group")

    let results = try XCTUnwrap(Catalog.operation(id: "getTestNetworkResults"))
    XCTAssertTrue(results.isPaginated)
    XCTAssertEqual(results.collectionKey, "results")
    XCTAssertTrue(results.queryParameters.contains("cursor"))
    XCTAssertEqual(Catalog.operation(id: "getAlerts")?.collectionKey, "alerts")
    XCTAssertFalse(Catalog.operation(id: "getUsers")?.isPaginated ?? true)

    XCTAssertTrue(Catalog.operation(id: "runInstantTest")?.isInstantTest ?? false)
    XCTAssertTrue(Catalog.operation(id: "createHttpServerInstantTest")?.isInstantTest ?? false)
    XCTAssertFalse(Catalog.operation(id: "createHttpServerTest")?.isInstantTest ?? true)
  }

  func testMatchPrefersLiteralSegments() {
    XCTAssertEqual(
      Catalog.match(method: .get, path: "/tests/agent-to-server/123")?.id, "getAgentToServerTest")
    XCTAssertEqual(Catalog.match(method: .get, path: "/tests/agent-to-server")?.id, "getAgentToServerTests")
    XCTAssertEqual(
      Catalog.match(method: .post, path: "/tests/agent-to-server/instant")?.id,
      "createAgentToServerInstantTest")
    XCTAssertEqual(Catalog.match(method: .post, path: "/tests/281474976710656/run")?.id, "runInstantTest")
    XCTAssertEqual(Catalog.match(method: .get, path: "/v7/users?aid=12")?.id, "getUsers")
    XCTAssertEqual(Catalog.match(method: .get, path: "/test-results/99/network")?.id, "getTestNetworkResults")
    XCTAssertEqual(Catalog.match(method: .post, path: "/internet-insights/outages/filter")?.access, .read)
    XCTAssertNil(Catalog.match(method: .get, path: "/no-such-thing"))
    XCTAssertNil(Catalog.match(method: .patch, path: "/users/1"))
    XCTAssertNil(Catalog.access(method: .post, path: "/tests/1/2/3/4/5/6/7"))
  }
}
