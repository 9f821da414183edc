import XCTest

@testable import Simulator

/// What schemathesis found: request validation from every spec keyword, no write-only
/// field echoed, required-but-undeclared fields typed from the response, suppression windows
/// as the spec describes them.
final class SpecValidationTests: XCTestCase {
  var server: SimulatorServer!
  var client: SimClient!

  override func setUp() async throws {
    server = try await startSimulator()
    client = SimClient(server)
  }

  override func tearDown() async throws {
    await server.stop()
  }

  private func sip(port: String) -> String {
    #"""
    {"port": \#(port), "targetSipCredentials": {"port": 5060, "sipRegistrar": "sip.example.com"},
     "interval": 300, "agents": [{"agentId": "3"}]}
    """#
  }

  func testSipServerPortIsAnIntegerFrom1To65535() async throws {
    let text = try await client.send("POST", "/tests/sip-server", body: sip(port: #""0""#))
    XCTAssertEqual(text.status, 400)
    XCTAssertEqual(text.contentType, "application/problem+json")
    XCTAssertEqual(problemErrors(text).map(\.code), ["INVALID_TYPE"])
    XCTAssertEqual(problemErrors(text).first?.field, "port")
    XCTAssertEqual(problemErrors(text).first?.message, "port must be an integer, not string.")

    let zero = try await client.send("POST", "/tests/sip-server", body: sip(port: "0"))
    XCTAssertEqual(zero.status, 400)
    XCTAssertEqual(problemErrors(zero).first?.code, "OUT_OF_RANGE")
    XCTAssertEqual(problemErrors(zero).first?.message, "port must be at least 1.")
    let high = try await client.send("POST", "/tests/sip-server", body: sip(port: "65536"))
    XCTAssertEqual(problemErrors(high).first?.message, "port must be at most 65535.")

    let created = try await client.send("POST", "/tests/sip-server", body: sip(port: "5060"))
    XCTAssertEqual(created.status, 201)
    XCTAssertEqual(created.body["port"], .int(5060))
  }

  func testFormatsFromTheSpecAreChecked() async throws {
    let window = try await client.send(
      "POST", "/alert-suppression-windows", body: #"{"name": "w", "startDate": "yesterday"}"#)
    XCTAssertEqual(window.status, 400)
    XCTAssertEqual(problemErrors(window).first?.code, "INVALID_FORMAT")
    XCTAssertEqual(problemErrors(window).first?.field, "startDate")
    XCTAssertEqual(problemErrors(window).first?.message, "startDate must be a valid date-time.")

    let day = try await client.send(
      "POST", "/alert-suppression-windows",
      body:
        #"{"name": "w", "startDate": "2026-01-01T00:00:00Z", "endRepeat": {"type": "date", "date": "2026-02-30"}}"#
    )
    XCTAssertEqual(problemErrors(day).first?.field, "endRepeat.date")
    XCTAssertEqual(problemErrors(day).first?.message, "endRepeat.date must be a valid date.")

    let email = try await client.send(
      "POST", "/users",
      body: #"{"name": "N", "email": "not an address", "allAccountGroupRoleIds": ["3"]}"#)
    XCTAssertEqual(email.status, 400)
    XCTAssertEqual(problemErrors(email).first?.code, "INVALID_FORMAT")
    XCTAssertEqual(problemErrors(email).first?.message, "email must be a valid email.")

    let ip = try await client.send(
      "POST", "/tests/http-server",
      body:
        #"{"url": "https://example.com", "interval": 300, "agents": [{"agentId": "3"}], "dnsOverride": "10.0.0.256"}"#
    )
    XCTAssertEqual(ip.status, 400)
    XCTAssertEqual(problemErrors(ip).first?.field, "dnsOverride")
    XCTAssertEqual(problemErrors(ip).first?.message, "dnsOverride must be a valid ipv4.")
  }

  func testWriteOnlyFieldsAreNeitherEchoedNorStored() async throws {
    let body = #"""
      {"url": "https://example.com", "interval": 300, "agents": [{"agentId": "3"}],
       "oAuth": {"testUrl": "https://example.com/token", "username": "u", "password": "oauth-s3cret"}}
      """#
    let created = try await client.send("POST", "/tests/http-server", body: body)
    XCTAssertEqual(created.status, 201)
    XCTAssertEqual(created.body.at("oAuth", "username"), "u")
    XCTAssertNil(created.body.at("oAuth", "password"))
    XCTAssertFalse(String(decoding: created.raw, as: UTF8.self).contains("oauth-s3cret"))
    let id = created.body["testId"]!.stringValue!
    let read = try await client.get("/tests/http-server/\(id)")
    XCTAssertFalse(String(decoding: read.raw, as: UTF8.self).contains("oauth-s3cret"))

    let ftp = try await client.send(
      "POST", "/tests/ftp-server",
      body:
        #"{"url": "ftp://ftp.example.com/f", "username": "a", "password": "ftp-s3cret", "requestType": "download", "interval": 300, "agents": [{"agentId": "3"}]}"#
    )
    XCTAssertEqual(ftp.status, 201)
    XCTAssertNil(ftp.body["password"])
    XCTAssertFalse(String(decoding: ftp.raw, as: UTF8.self).contains("ftp-s3cret"))
    // dnsServers is write-only as names, and shown back as objects.
    let dns = try await client.send(
      "POST", "/tests/dns-server",
      body:
        #"{"domain": "example.com A", "dnsServers": ["ns1.example.net"], "interval": 300, "agents": [{"agentId": "3"}]}"#
    )
    XCTAssertEqual(dns.body.at("dnsServers", 0, "serverName"), "ns1.example.net")
  }

  func testSuppressionWindowDurationIsSecondsAndMayBeZero() async throws {
    let zero = try await client.send(
      "POST", "/alert-suppression-windows",
      body: #"{"name": "z", "startDate": "2026-01-01T00:00:00Z", "duration": 0}"#)
    XCTAssertEqual(zero.status, 201)
    XCTAssertEqual(zero.body["duration"], .int(0))
    let unset = try await client.send(
      "POST", "/alert-suppression-windows", body: #"{"name": "u", "startDate": "2026-01-01T00:00:00Z"}"#)
    XCTAssertEqual(unset.status, 201)
    XCTAssertEqual(unset.body["duration"], .int(0))
    let negative = try await client.send(
      "POST", "/alert-suppression-windows",
      body: #"{"name": "n", "startDate": "2026-01-01T00:00:00Z", "duration": -1}"#)
    XCTAssertEqual(negative.status, 400)
    XCTAssertEqual(problemErrors(negative).first?.message, "duration must not be negative.")

    // Started a minute ago for 120 seconds: active now; for 30 seconds: ended.
    let start = ISODate.format(Int(Date.nowEpoch) - 60)
    let active = try await client.send(
      "POST", "/alert-suppression-windows", body: #"{"name": "a", "startDate": "\#(start)", "duration": 120}"#
    )
    XCTAssertEqual(active.body["status"], "active")
    let ended = try await client.send(
      "POST", "/alert-suppression-windows", body: #"{"name": "e", "startDate": "\#(start)", "duration": 30}"#)
    XCTAssertEqual(ended.body["status"], "ended")
    let huge = try await client.send(
      "POST", "/alert-suppression-windows",
      body: #"{"name": "h", "startDate": "\#(start)", "duration": 9223372036854775807}"#)
    XCTAssertEqual(huge.status, 201)
    XCTAssertEqual(huge.body["status"], "active")
  }

  /// The keywords no implemented write uses today, checked on a schema written here.
  func testLengthsPatternsUniquenessAndExclusiveBounds() throws {
    let node = try JSONParser.parse(
      #"""
      {"t": "object", "p": {
        "code": {"t": "string", "minL": 2, "maxL": 3, "pat": "^[A-Z]+$"},
        "tags": {"t": "array", "minI": 1, "maxI": 2, "u": 1, "i": {"t": "string"}},
        "ratio": {"t": "number", "xmin": 0, "xmax": 1}}}
      """#)
    func problems(_ body: String) throws -> [String] {
      var errors: [APIError.FieldError] = []
      RequestValidator.check(try JSONParser.parse(body), node, "", &errors, RequestSchemas.shared)
      return errors.map { "\($0.code) \($0.field): \($0.message)" }
    }
    XCTAssertEqual(try problems(#"{"code": "AB", "tags": ["x"], "ratio": 0.5}"#), [])
    XCTAssertEqual(
      try problems(#"{"code": "a"}"#),
      [
        "OUT_OF_RANGE code: code must have at least 2 characters.",
        "INVALID_VALUE code: code must match ^[A-Z]+$.",
      ])
    XCTAssertEqual(
      try problems(#"{"code": "ABCD", "tags": []}"#),
      [
        "OUT_OF_RANGE code: code must have at most 3 characters.",
        "OUT_OF_RANGE tags: tags must have at least 1 item.",
      ])
    XCTAssertEqual(
      try problems(#"{"tags": ["x", "x"]}"#), ["INVALID_VALUE tags[1]: tags must not repeat an item."])
    XCTAssertEqual(
      try problems(#"{"tags": ["x", "y", "z"], "ratio": 1}"#),
      [
        "OUT_OF_RANGE tags: tags must have at most 2 items.",
        "OUT_OF_RANGE ratio: ratio must be less than 1.",
      ])
    XCTAssertEqual(try problems(#"{"ratio": 0}"#), ["OUT_OF_RANGE ratio: ratio must be more than 0."])
  }

  func testStringFormats() {
    XCTAssertTrue(StringFormats.isDateTime("2026-02-28T23:59:59.123+05:30"))
    XCTAssertTrue(StringFormats.isDateTime("2024-02-29T00:00:00Z"))
    XCTAssertFalse(StringFormats.isDateTime("2023-02-29T00:00:00Z"))
    XCTAssertFalse(StringFormats.isDateTime("2026-01-01"))
    XCTAssertFalse(StringFormats.isDateTime("2026-01-01T25:00:00Z"))
    XCTAssertTrue(StringFormats.isDate("2026-12-31"))
    XCTAssertFalse(StringFormats.isDate("2026-13-01"))
    XCTAssertFalse(StringFormats.isDate("２０２６-01-01"))
    XCTAssertTrue(StringFormats.isEmail("a.b+c@example.co"))
    XCTAssertFalse(StringFormats.isEmail("a@b"))
    XCTAssertFalse(StringFormats.isEmail("a b@example.com"))
    XCTAssertFalse(StringFormats.isEmail("a@@example.com"))
    let ipv4 = StringFormats.check("ipv4")!
    XCTAssertTrue(ipv4("192.0.2.1"))
    XCTAssertFalse(ipv4("192.0.2.256"))
    XCTAssertFalse(ipv4("192.0.2"))
    XCTAssertFalse(ipv4("::1"))
    let ipv6 = StringFormats.check("ipv6")!
    XCTAssertTrue(ipv6("2001:db8::1"))
    XCTAssertFalse(ipv6("2001:db8::g"))
    XCTAssertTrue(StringFormats.isUUID("123e4567-e89b-12d3-a456-426614174000"))
    XCTAssertFalse(StringFormats.isUUID("123e4567e89b12d3a456426614174000"))
    XCTAssertTrue(StringFormats.isURI("https://example.com/a?b=c"))
    XCTAssertFalse(StringFormats.isURI("example.com"))
    XCTAssertTrue(StringFormats.isHostname("a-b.example.com"))
    XCTAssertFalse(StringFormats.isHostname("-a.example.com"))
    XCTAssertNil(StringFormats.check("int32"))
  }
}
