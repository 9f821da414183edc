import Foundation
import Testing

@testable import Simulator

@Suite struct UnitTests {
  @Test func jsonRoundTripKeepsIntegersAndOrder() throws {
    let text = #"{"b":3,"a":3.5,"c":[true,null,"x\n\u00e9"],"d":{}}"#
    let value = try JSONParser.parse(text)
    #expect(value["b"] == .int(3))
    #expect(value["a"] == .double(3.5))
    #expect(value.objectMembers?.map(\.0) == ["b", "a", "c", "d"])
    #expect(try JSONParser.parse(JSONWriter.serialize(value)) == value)
  }

  @Test(arguments: ["{", "[1,]", "01", "\"\u{01}\"", "{\"a\" 1}", "tru", "1 2"])
  func jsonParserRefusesInvalidText(bad: String) {
    #expect(throws: (any Error).self) { try JSONParser.parse(bad) }
  }

  @Test func isoDates() {
    #expect(ISODate.format(0) == "1970-01-01T00:00:00Z")
    #expect(ISODate.format(1_700_000_000) == "2023-11-14T22:13:20Z")
    #expect(ISODate.parse("2023-11-14T22:13:20Z") == 1_700_000_000)
    #expect(ISODate.parse("2023-11-14T23:13:20+01:00") == 1_700_000_000)
    #expect(ISODate.parse("2023-11-14T22:13:20.250Z") == 1_700_000_000)
    // The official Python SDK sends the basic offset form.
    #expect(ISODate.parse("2023-11-14T22:13:20.000000+0000") == 1_700_000_000)
    #expect(ISODate.parse("2023-11-14T20:43:20-0130") == 1_700_000_000)
    #expect(ISODate.parse("2023-11-14T22:13:20+000") == nil)
    #expect(ISODate.parse("2023-11-14T22:13:20+00:0") == nil)
    #expect(ISODate.parse("2023-11-14T22:13:20+2500") == nil)
    #expect(ISODate.parse("2023-13-01T00:00:00Z") == nil)
    #expect(ISODate.parse("yesterday") == nil)
  }

  @Test func optionParsing() {
    #expect(SimulatorOptions.parseDuration("500ms") == 0.5)
    #expect(SimulatorOptions.parseDuration("10m") == 600)
    #expect(SimulatorOptions.parseDuration("1h") == 3600)
    #expect(SimulatorOptions.parseDuration("30") == 30)
    #expect(SimulatorOptions.parseDuration("soon") == nil)
    #expect(SimulatorOptions.parseRateLimit("240/60s")! == .init(limit: 240, window: 60))
    #expect(SimulatorOptions.parseRateLimit("5/1s")! == .init(limit: 5, window: 1))
    #expect(SimulatorOptions.parseRateLimit("off")! == nil)
    #expect(SimulatorOptions.parseRateLimit("many") == nil)
    #expect(SimulatorOptions.parseRateLimit("0/1s") == nil)
    #expect(SimulatorOptions.parseLatency("50") == 50...50)
    #expect(SimulatorOptions.parseLatency("20-200") == 20...200)
    #expect(SimulatorOptions.parseLatency("200-20") == nil)
    #expect(SimulatorOptions.parseLatency("fast") == nil)
  }

  @Test func windowParsing() {
    #expect(ResultWindow.parseWindow("12h") == 43200)
    #expect(ResultWindow.parseWindow("2d") == 172_800)
    #expect(ResultWindow.parseWindow("90") == 90)
    #expect(ResultWindow.parseWindow("h") == nil)
    #expect(ResultWindow.parseWindow("-1h") == nil)
  }

  @Test func routerPrefersLiteralSegments() {
    let router = Router(routes: Routes.all)
    guard case .found(let current, _) = router.match(method: "GET", path: "/users/current") else {
      Issue.record("no match")
      return
    }
    #expect(current.operationId == "getCurrentUser")
    guard case .found(let user, let params) = router.match(method: "GET", path: "/users/42") else {
      Issue.record("no match")
      return
    }
    #expect(user.operationId == "getUser")
    #expect(params["id"] == "42")
    guard case .found(let rules, _) = router.match(method: "GET", path: "/alerts/rules") else {
      Issue.record("no match")
      return
    }
    #expect(rules.operationId == "getAlertsRules")
    guard case .methodNotAllowed = router.match(method: "PATCH", path: "/agents") else {
      Issue.record()
      return
    }
    guard case .notFound = router.match(method: "GET", path: "/nothing/here") else {
      Issue.record()
      return
    }
  }

  @Test func everyRouteIsASpecOperationWithItsBodySchema() {
    // Every route with a body in the spec has a schema entry; ids are unique.
    let ids = Routes.all.map(\.operationId)
    #expect(Set(ids).count == ids.count)
    #expect(RequestSchemas.shared.schema(method: "POST", template: "/tests/agent-to-server") != nil)
    #expect(RequestSchemas.shared.schema(method: "PUT", template: "/users/{id}") != nil)
    #expect(RequestSchemas.shared.schema(method: "GET", template: "/agents") == nil)
  }
}
