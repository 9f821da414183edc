import XCTest

@testable import Simulator

final class UnitTests: XCTestCase {
  func testJSONRoundTripKeepsIntegersAndOrder() throws {
    let text = #"{"b":3,"a":3.5,"c":[true,null,"x\n\u00e9"],"d":{}}"#
    let value = try JSONParser.parse(text)
    XCTAssertEqual(value["b"], .int(3))
    XCTAssertEqual(value["a"], .double(3.5))
    XCTAssertEqual(value.objectMembers?.map(\.0), ["b", "a", "c", "d"])
    XCTAssertEqual(try JSONParser.parse(JSONWriter.serialize(value)), value)
    for bad in ["{", "[1,]", "01", "\"\u{01}\"", "{\"a\" 1}", "tru", "1 2"] {
      XCTAssertThrowsError(try JSONParser.parse(bad), bad)
    }
  }

  func testISODates() {
    XCTAssertEqual(ISODate.format(0), "1970-01-01T00:00:00Z")
    XCTAssertEqual(ISODate.format(1_700_000_000), "2023-11-14T22:13:20Z")
    XCTAssertEqual(ISODate.parse("2023-11-14T22:13:20Z"), 1_700_000_000)
    XCTAssertEqual(ISODate.parse("2023-11-14T23:13:20+01:00"), 1_700_000_000)
    XCTAssertEqual(ISODate.parse("2023-11-14T22:13:20.250Z"), 1_700_000_000)
    // The official Python SDK sends the basic offset form.
    XCTAssertEqual(ISODate.parse("2023-11-14T22:13:20.000000+0000"), 1_700_000_000)
    XCTAssertEqual(ISODate.parse("2023-11-14T20:43:20-0130"), 1_700_000_000)
    XCTAssertNil(ISODate.parse("2023-11-14T22:13:20+000"))
    XCTAssertNil(ISODate.parse("2023-11-14T22:13:20+00:0"))
    XCTAssertNil(ISODate.parse("2023-11-14T22:13:20+2500"))
    XCTAssertNil(ISODate.parse("2023-13-01T00:00:00Z"))
    XCTAssertNil(ISODate.parse("yesterday"))
  }

  func testOptionParsing() {
    XCTAssertEqual(SimulatorOptions.parseDuration("500ms"), 0.5)
    XCTAssertEqual(SimulatorOptions.parseDuration("10m"), 600)
    XCTAssertEqual(SimulatorOptions.parseDuration("1h"), 3600)
    XCTAssertEqual(SimulatorOptions.parseDuration("30"), 30)
    XCTAssertNil(SimulatorOptions.parseDuration("soon"))
    XCTAssertEqual(SimulatorOptions.parseRateLimit("240/60s")!, .init(limit: 240, window: 60))
    XCTAssertEqual(SimulatorOptions.parseRateLimit("5/1s")!, .init(limit: 5, window: 1))
    XCTAssertEqual(SimulatorOptions.parseRateLimit("off")!, nil)
    XCTAssertNil(SimulatorOptions.parseRateLimit("many"))
    XCTAssertNil(SimulatorOptions.parseRateLimit("0/1s"))
    XCTAssertEqual(SimulatorOptions.parseLatency("50"), 50...50)
    XCTAssertEqual(SimulatorOptions.parseLatency("20-200"), 20...200)
    XCTAssertNil(SimulatorOptions.parseLatency("200-20"))
    XCTAssertNil(SimulatorOptions.parseLatency("fast"))
  }

  func testWindowParsing() {
    XCTAssertEqual(ResultWindow.parseWindow("12h"), 43200)
    XCTAssertEqual(ResultWindow.parseWindow("2d"), 172_800)
    XCTAssertEqual(ResultWindow.parseWindow("90"), 90)
    XCTAssertNil(ResultWindow.parseWindow("h"))
    XCTAssertNil(ResultWindow.parseWindow("-1h"))
  }

  func testRouterPrefersLiteralSegments() {
    let router = Router(routes: Routes.all)
    guard case .found(let current, _) = router.match(method: "GET", path: "/users/current") else {
      return XCTFail("no match")
    }
    XCTAssertEqual(current.operationId, "getCurrentUser")
    guard case .found(let user, let params) = router.match(method: "GET", path: "/users/42") else {
      return XCTFail("no match")
    }
    XCTAssertEqual(user.operationId, "getUser")
    XCTAssertEqual(params["id"], "42")
    guard case .found(let rules, _) = router.match(method: "GET", path: "/alerts/rules") else {
      return XCTFail("no match")
    }
    XCTAssertEqual(rules.operationId, "getAlertsRules")
    guard case .methodNotAllowed = router.match(method: "PATCH", path: "/agents") else { return XCTFail() }
    guard case .notFound = router.match(method: "GET", path: "/nothing/here") else { return XCTFail() }
  }

  func testEveryRouteIsASpecOperationWithItsBodySchema() {
    // Every route with a body in the spec has a schema entry; ids are unique.
    let ids = Routes.all.map(\.operationId)
    XCTAssertEqual(Set(ids).count, ids.count)
    XCTAssertNotNil(RequestSchemas.shared.schema(method: "POST", template: "/tests/agent-to-server"))
    XCTAssertNotNil(RequestSchemas.shared.schema(method: "PUT", template: "/users/{id}"))
    XCTAssertNil(RequestSchemas.shared.schema(method: "GET", template: "/agents"))
  }
}
