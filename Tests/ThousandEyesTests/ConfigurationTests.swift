import XCTest

@testable import ThousandEyes

final class ConfigurationTests: XCTestCase {
  func testDefaultsFromEnvironment() throws {
    let configuration = try ClientConfiguration.fromEnvironment(["TE_TOKEN": "abc"])
    XCTAssertEqual(configuration.baseURL.absoluteString, "https://api.thousandeyes.com")
    XCTAssertEqual(configuration.token, APIToken("abc"))
    XCTAssertNil(configuration.aid)
    XCTAssertEqual(configuration.connectTimeout, .seconds(10))
    XCTAssertEqual(configuration.readTimeout, .seconds(60))
    XCTAssertEqual(configuration.userAgent, "terun/\(ClientConfiguration.terunVersion)")
    XCTAssertEqual(configuration.origin, Origin(URL(string: "https://api.thousandeyes.com:443")!))
  }

  func testOptionsWinOverEnvironmentAndV7IsStripped() throws {
    let file = temporaryPath("token")
    try "  from-file \nsecond line\n".write(toFile: file, atomically: true, encoding: .utf8)
    let configuration = try ClientConfiguration.fromEnvironment(
      ["TE_TOKEN": "env", "TE_BASE_URL": "https://env.example/v7/", "TE_AID": "1"],
      baseURL: "http://127.0.0.1:8080/v7", tokenFile: file, aid: "42")
    XCTAssertEqual(configuration.baseURL.absoluteString, "http://127.0.0.1:8080")
    XCTAssertEqual(configuration.token?.secret, "from-file")
    XCTAssertEqual(configuration.aid, "42")
    let fromEnv = try ClientConfiguration.fromEnvironment(
      ["TE_TOKEN": "env", "TE_BASE_URL": "https://env.example/v7/", "TE_AID": "7"])
    XCTAssertEqual(fromEnv.baseURL.absoluteString, "https://env.example")
    XCTAssertEqual(fromEnv.aid, "7")
  }

  func testErrorsAreClear() {
    XCTAssertThrowsError(try ClientConfiguration.fromEnvironment([:])) { error in
      XCTAssertEqual("\(error)", "no API token: set TE_TOKEN, pass --token-file FILE, or use --sim")
    }
    XCTAssertNoThrow(try ClientConfiguration.fromEnvironment([:], requiresToken: false))
    XCTAssertThrowsError(
      try ClientConfiguration.fromEnvironment(["TE_TOKEN": "x", "TE_BASE_URL": "ftp://x"])
    ) {
      XCTAssertTrue("\($0)".hasPrefix("invalid base URL 'ftp://x'"), "\($0)")
    }
    XCTAssertThrowsError(try ClientConfiguration.fromEnvironment([:], tokenFile: "/nonexistent/token")) {
      XCTAssertEqual("\($0)", "cannot read the token file /nonexistent/token")
    }
    let empty = temporaryPath("empty")
    FileManager.default.createFile(atPath: empty, contents: Data("\n".utf8))
    XCTAssertThrowsError(try ClientConfiguration.fromEnvironment([:], tokenFile: empty)) {
      XCTAssertEqual("\($0)", "the token file \(empty) is empty")
    }
  }

  func testTokenNeverPrints() {
    let token = APIToken("super-secret-value")
    XCTAssertEqual("\(token)", "<redacted>")
    XCTAssertEqual(String(reflecting: token), "APIToken(<redacted>)")
    let configuration = ClientConfiguration(baseURL: URL(string: "http://x")!, token: token)
    XCTAssertFalse("\(configuration)".contains("super-secret-value"))
    XCTAssertFalse(String(reflecting: configuration).contains("super-secret-value"))
  }

  func testBackoffGrowsAndIsBounded() {
    var policy = RetryPolicy()
    policy.baseDelay = .milliseconds(100)
    policy.maxDelay = .milliseconds(1000)
    XCTAssertEqual(policy.backoff(afterAttempt: 1, random: 0), .milliseconds(50))
    XCTAssertEqual(policy.backoff(afterAttempt: 1, random: 1), .milliseconds(100))
    XCTAssertEqual(policy.backoff(afterAttempt: 3, random: 1), .milliseconds(400))
    XCTAssertEqual(policy.backoff(afterAttempt: 10, random: 1), .milliseconds(1000))
  }

  func testATokenThatCannotBeSentIsRefusedWithoutBeingShown() throws {
    for token in ["zq\u{01}cd", "zq cd", "zq\tcd", "zq\u{7F}cd", "zqcé", "zq\ncd", "zq\u{1B}cd"] {
      XCTAssertThrowsError(try ClientConfiguration.fromEnvironment(["TE_TOKEN": token]), token) { error in
        let problem = error as? ConfigurationError
        XCTAssertEqual(problem?.isTokenProblem, true)
        XCTAssertTrue("\(error)".hasPrefix("the API token in TE_TOKEN has a control, space or non-printable"))
        XCTAssertFalse("\(error)".contains("zq"), "\(error)")
      }
    }
    let file = temporaryPath("bad-token")
    try "tok\u{02}en\n".write(toFile: file, atomically: true, encoding: .utf8)
    XCTAssertThrowsError(try ClientConfiguration.fromEnvironment([:], tokenFile: file)) { error in
      XCTAssertEqual(
        "\(error)",
        "the API token in the token file \(file) has a control, space or non-printable character (at position 4); it was not used"
      )
    }
    XCTAssertEqual(
      try ClientConfiguration.fromEnvironment(["TE_TOKEN": " ok-Token_1.2~+/= \n"]).token?.secret,
      "ok-Token_1.2~+/=")
  }

  func testTheTokenFileIsRemembered() throws {
    let file = temporaryPath("token-file")
    try "abc\n".write(toFile: file, atomically: true, encoding: .utf8)
    XCTAssertEqual(try ClientConfiguration.fromEnvironment([:], tokenFile: file).tokenFile, file)
    XCTAssertNil(try ClientConfiguration.fromEnvironment(["TE_TOKEN": "x"]).tokenFile)
  }

  func testABaseURLWithAPasswordIsRefusedRedacted() {
    let cases = [
      ("http://user:hunter2@host", "http://user:***@host"),
      ("https://u:p%40ss@api.example.com:8443/v7", "https://u:***@api.example.com:8443/v7"),
      ("http://a:b@c@host/x?y", "http://a:***@host/x?y"),
    ]
    for (url, shown) in cases {
      XCTAssertThrowsError(try ClientConfiguration.parseBaseURL(url)) { error in
        XCTAssertEqual(
          "\(error)",
          "invalid base URL '\(shown)': credentials in the URL are not allowed; give the token with TE_TOKEN or --token-file"
        )
      }
    }
    // A user without a password may be a token itself (https://TOKEN@host): hidden whole, as
    // is a percent-encoded colon; a text that is not a URL is hidden up to its last '@'.
    let hidden = [
      ("http://s3cret@host", "http://***@host"),
      ("http://user%3As3cret@host", "http://***@host"),
      ("http://user:@host", "http://user:***@host"),
      ("http:/user:s3cret@host", "http:/user:***@host"),
      ("http:user:s3cret@host", "http:***@host"),
      ("user:s3cret@host", "user:***@host"),
      (" http://s3cret@host/", " http://***@host/"),
    ]
    for (url, shown) in hidden {
      XCTAssertThrowsError(try ClientConfiguration.parseBaseURL(url)) { error in
        XCTAssertTrue("\(error)".hasPrefix("invalid base URL '\(shown)'"), "\(error)")
        XCTAssertFalse("\(error)".contains("s3cret"), "\(error)")
      }
    }
  }

  func testErrorTextsNeverHoldARequestHeaderValue() {
    let headers = ["Bearer s3cr\u{01}t", "terun/test", "s3cr\u{01}t"]
    XCTAssertEqual(
      ThousandEyesClient.redacting(headers, in: #"invalidHeaderFieldValues(["Bearer s3cr\u{01}t"])"#),
      "invalid HTTP header field (its value is not shown)")
    XCTAssertEqual(
      ThousandEyesClient.redacting(headers, in: "refused: Bearer s3cr\u{01}t and s3cr\u{01}t"),
      "refused: <redacted> and <redacted>")
    XCTAssertEqual(
      ThousandEyesClient.redacting(headers, in: #"got "Bearer s3cr\u{01}t""#),
      #"got "<redacted>""#)
  }

  func testAnAPIErrorNeverQuotesTheToken() {
    let body =
      #"{"title":"Bad Bearer s3cret","detail":"you sent s3cret","errors":[{"field":"s3cret","message":"Bearer s3cret is invalid"}]}"#
    let response = APIResponse(status: 400, headers: [], body: Array(body.utf8))
    let error = APIError(method: .get, path: "/tests", response: response).redacting([
      "Bearer s3cret", "s3cret",
    ])
    XCTAssertFalse(error.description.contains("s3cret"), error.description)
    XCTAssertEqual(error.title, "Bad <redacted>")
    XCTAssertEqual(error.detail, "you sent <redacted>")
  }
}
