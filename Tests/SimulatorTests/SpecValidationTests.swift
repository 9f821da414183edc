import Foundation
import Testing

@testable import Simulator

/// What schemathesis found: request validation from every spec keyword, no write-only
/// field echoed, required-but-undeclared fields typed from the response, suppression windows
/// as the spec describes them.
@Suite final class SpecValidationTests {
  let server: SimulatorServer
  let client: SimClient

  init() async throws {
    server = try await startSimulator()
    client = SimClient(server)
  }

  deinit {
    Task { [server] in await server.stop() }
  }

  private func sip(port: String) -> String {
    #"""
    {"port": \#(port), "targetSipCredentials": {"port": 5060, "sipRegistrar": "sip.example.com"},
     "interval": 300, "agents": [{"agentId": "3"}]}
    """#
  }

  @Test func sipServerPortIsAnIntegerFrom1To65535() async throws {
    let text = try await client.send("POST", "/tests/sip-server", body: sip(port: #""0""#))
    #expect(text.status == 400)
    #expect(text.contentType == "application/problem+json")
    #expect(problemErrors(text).map(\.code) == ["INVALID_TYPE"])
    #expect(problemErrors(text).first?.field == "port")
    #expect(problemErrors(text).first?.message == "port must be an integer, not string.")

    let zero = try await client.send("POST", "/tests/sip-server", body: sip(port: "0"))
    #expect(zero.status == 400)
    #expect(problemErrors(zero).first?.code == "OUT_OF_RANGE")
    #expect(problemErrors(zero).first?.message == "port must be at least 1.")
    let high = try await client.send("POST", "/tests/sip-server", body: sip(port: "65536"))
    #expect(problemErrors(high).first?.message == "port must be at most 65535.")

    let created = try await client.send("POST", "/tests/sip-server", body: sip(port: "5060"))
    #expect(created.status == 201)
    #expect(created.body["port"] == .int(5060))
  }

  @Test func formatsFromTheSpecAreChecked() async throws {
    let window = try await client.send(
      "POST", "/alert-suppression-windows", body: #"{"name": "w", "startDate": "yesterday"}"#)
    #expect(window.status == 400)
    #expect(problemErrors(window).first?.code == "INVALID_FORMAT")
    #expect(problemErrors(window).first?.field == "startDate")
    #expect(problemErrors(window).first?.message == "startDate must be a valid date-time.")

    let day = try await client.send(
      "POST", "/alert-suppression-windows",
      body:
        #"{"name": "w", "startDate": "2026-01-01T00:00:00Z", "endRepeat": {"type": "date", "date": "2026-02-30"}}"#
    )
    #expect(problemErrors(day).first?.field == "endRepeat.date")
    #expect(problemErrors(day).first?.message == "endRepeat.date must be a valid date.")

    let email = try await client.send(
      "POST", "/users",
      body: #"{"name": "N", "email": "not an address", "allAccountGroupRoleIds": ["3"]}"#)
    #expect(email.status == 400)
    #expect(problemErrors(email).first?.code == "INVALID_FORMAT")
    #expect(problemErrors(email).first?.message == "email must be a valid email.")

    let ip = try await client.send(
      "POST", "/tests/http-server",
      body:
        #"{"url": "https://example.com", "interval": 300, "agents": [{"agentId": "3"}], "dnsOverride": "10.0.0.256"}"#
    )
    #expect(ip.status == 400)
    #expect(problemErrors(ip).first?.field == "dnsOverride")
    #expect(problemErrors(ip).first?.message == "dnsOverride must be a valid ipv4.")
  }

  @Test func writeOnlyFieldsAreNeitherEchoedNorStored() async throws {
    let body = #"""
      {"url": "https://example.com", "interval": 300, "agents": [{"agentId": "3"}],
       "oAuth": {"testUrl": "https://example.com/token", "username": "u", "password": "oauth-s3cret"}}
      """#
    let created = try await client.send("POST", "/tests/http-server", body: body)
    #expect(created.status == 201)
    #expect(created.body.at("oAuth", "username") == "u")
    #expect(created.body.at("oAuth", "password") == nil)
    #expect(!String(decoding: created.raw, as: UTF8.self).contains("oauth-s3cret"))
    let id = created.body["testId"]!.stringValue!
    let read = try await client.get("/tests/http-server/\(id)")
    #expect(!String(decoding: read.raw, as: UTF8.self).contains("oauth-s3cret"))

    let ftp = try await client.send(
      "POST", "/tests/ftp-server",
      body:
        #"{"url": "ftp://ftp.example.com/f", "username": "a", "password": "ftp-s3cret", "requestType": "download", "interval": 300, "agents": [{"agentId": "3"}]}"#
    )
    #expect(ftp.status == 201)
    #expect(ftp.body["password"] == nil)
    #expect(!String(decoding: ftp.raw, as: UTF8.self).contains("ftp-s3cret"))
    // dnsServers is write-only as names, and shown back as objects.
    let dns = try await client.send(
      "POST", "/tests/dns-server",
      body:
        #"{"domain": "example.com A", "dnsServers": ["ns1.example.net"], "interval": 300, "agents": [{"agentId": "3"}]}"#
    )
    #expect(dns.body.at("dnsServers", 0, "serverName") == "ns1.example.net")
  }

  @Test func suppressionWindowDurationIsSecondsAndMayBeZero() async throws {
    let zero = try await client.send(
      "POST", "/alert-suppression-windows",
      body: #"{"name": "z", "startDate": "2026-01-01T00:00:00Z", "duration": 0}"#)
    #expect(zero.status == 201)
    #expect(zero.body["duration"] == .int(0))
    let unset = try await client.send(
      "POST", "/alert-suppression-windows", body: #"{"name": "u", "startDate": "2026-01-01T00:00:00Z"}"#)
    #expect(unset.status == 201)
    #expect(unset.body["duration"] == .int(0))
    let negative = try await client.send(
      "POST", "/alert-suppression-windows",
      body: #"{"name": "n", "startDate": "2026-01-01T00:00:00Z", "duration": -1}"#)
    #expect(negative.status == 400)
    #expect(problemErrors(negative).first?.message == "duration must not be negative.")

    // Started a minute ago for 120 seconds: active now; for 30 seconds: ended.
    let start = ISODate.format(Int(Date.nowEpoch) - 60)
    let active = try await client.send(
      "POST", "/alert-suppression-windows", body: #"{"name": "a", "startDate": "\#(start)", "duration": 120}"#
    )
    #expect(active.body["status"] == "active")
    let ended = try await client.send(
      "POST", "/alert-suppression-windows", body: #"{"name": "e", "startDate": "\#(start)", "duration": 30}"#)
    #expect(ended.body["status"] == "ended")
    let huge = try await client.send(
      "POST", "/alert-suppression-windows",
      body: #"{"name": "h", "startDate": "\#(start)", "duration": 9223372036854775807}"#)
    #expect(huge.status == 201)
    #expect(huge.body["status"] == "active")
  }

  /// The keywords no implemented write uses today, checked on a schema written here.
  @Test func lengthsPatternsUniquenessAndExclusiveBounds() throws {
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
    #expect(try problems(#"{"code": "AB", "tags": ["x"], "ratio": 0.5}"#) == [])
    #expect(
      try problems(#"{"code": "a"}"#) == [
        "OUT_OF_RANGE code: code must have at least 2 characters.",
        "INVALID_VALUE code: code must match ^[A-Z]+$.",
      ])
    #expect(
      try problems(#"{"code": "ABCD", "tags": []}"#) == [
        "OUT_OF_RANGE code: code must have at most 3 characters.",
        "OUT_OF_RANGE tags: tags must have at least 1 item.",
      ])
    #expect(
      try problems(#"{"tags": ["x", "x"]}"#) == ["INVALID_VALUE tags[1]: tags must not repeat an item."])
    #expect(
      try problems(#"{"tags": ["x", "y", "z"], "ratio": 1}"#) == [
        "OUT_OF_RANGE tags: tags must have at most 2 items.",
        "OUT_OF_RANGE ratio: ratio must be less than 1.",
      ])
    #expect(try problems(#"{"ratio": 0}"#) == ["OUT_OF_RANGE ratio: ratio must be more than 0."])
  }

  @Test func stringFormats() {
    #expect(StringFormats.isDateTime("2026-02-28T23:59:59.123+05:30"))
    #expect(StringFormats.isDateTime("2024-02-29T00:00:00Z"))
    #expect(!StringFormats.isDateTime("2023-02-29T00:00:00Z"))
    #expect(!StringFormats.isDateTime("2026-01-01"))
    #expect(!StringFormats.isDateTime("2026-01-01T25:00:00Z"))
    #expect(StringFormats.isDate("2026-12-31"))
    #expect(!StringFormats.isDate("2026-13-01"))
    #expect(!StringFormats.isDate("２０２６-01-01"))
    #expect(StringFormats.isEmail("a.b+c@example.co"))
    #expect(!StringFormats.isEmail("a@b"))
    #expect(!StringFormats.isEmail("a b@example.com"))
    #expect(!StringFormats.isEmail("a@@example.com"))
    let ipv4 = StringFormats.check("ipv4")!
    #expect(ipv4("192.0.2.1"))
    #expect(!ipv4("192.0.2.256"))
    #expect(!ipv4("192.0.2"))
    #expect(!ipv4("::1"))
    let ipv6 = StringFormats.check("ipv6")!
    #expect(ipv6("2001:db8::1"))
    #expect(!ipv6("2001:db8::g"))
    #expect(StringFormats.isUUID("123e4567-e89b-12d3-a456-426614174000"))
    #expect(!StringFormats.isUUID("123e4567e89b12d3a456426614174000"))
    #expect(StringFormats.isURI("https://example.com/a?b=c"))
    #expect(!StringFormats.isURI("example.com"))
    #expect(StringFormats.isHostname("a-b.example.com"))
    #expect(!StringFormats.isHostname("-a.example.com"))
    #expect(StringFormats.check("int32") == nil)
  }
}
