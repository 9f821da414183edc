import Foundation
import Testing

@testable import ThousandEyes

@Suite struct ConfigurationTests {
  @Test func defaultsFromEnvironment() throws {
    let configuration = try ClientConfiguration.fromEnvironment(["TE_TOKEN": "abc"])
    #expect(configuration.baseURL.absoluteString == "https://api.thousandeyes.com")
    #expect(configuration.token == APIToken("abc"))
    #expect(configuration.aid == nil)
    #expect(configuration.connectTimeout == .seconds(10))
    #expect(configuration.readTimeout == .seconds(60))
    #expect(configuration.userAgent == "terun/\(ClientConfiguration.terunVersion)")
    #expect(configuration.origin == Origin(URL(string: "https://api.thousandeyes.com:443")!))
  }

  @Test func optionsWinOverEnvironmentAndV7IsStripped() throws {
    let file = temporaryPath("token")
    try "  from-file \nsecond line\n".write(toFile: file, atomically: true, encoding: .utf8)
    let configuration = try ClientConfiguration.fromEnvironment(
      ["TE_TOKEN": "env", "TE_BASE_URL": "https://env.example/v7/", "TE_AID": "1"],
      baseURL: "http://127.0.0.1:8080/v7", tokenFile: file, aid: "42")
    #expect(configuration.baseURL.absoluteString == "http://127.0.0.1:8080")
    #expect(configuration.token?.secret == "from-file")
    #expect(configuration.aid == "42")
    let fromEnv = try ClientConfiguration.fromEnvironment(
      ["TE_TOKEN": "env", "TE_BASE_URL": "https://env.example/v7/", "TE_AID": "7"])
    #expect(fromEnv.baseURL.absoluteString == "https://env.example")
    #expect(fromEnv.aid == "7")
  }

  @Test func errorsAreClear() throws {
    do {
      let error = try #require(throws: (any Error).self) { try ClientConfiguration.fromEnvironment([:]) }
      #expect("\(error)" == "no API token: set TE_TOKEN, pass --token-file FILE, or use --sim")
    }
    #expect(throws: Never.self) { try ClientConfiguration.fromEnvironment([:], requiresToken: false) }
    do {
      let error = try #require(throws: (any Error).self) {
        try ClientConfiguration.fromEnvironment(["TE_TOKEN": "x", "TE_BASE_URL": "ftp://x"])
      }
      #expect("\(error)".hasPrefix("invalid base URL 'ftp://x'"), "\(error)")
    }
    do {
      let error = try #require(throws: (any Error).self) {
        try ClientConfiguration.fromEnvironment([:], tokenFile: "/nonexistent/token")
      }
      #expect("\(error)" == "cannot read the token file /nonexistent/token")
    }
    let empty = temporaryPath("empty")
    #expect(FileManager.default.createFile(atPath: empty, contents: Data("\n".utf8)))
    do {
      let error = try #require(throws: (any Error).self) {
        try ClientConfiguration.fromEnvironment([:], tokenFile: empty)
      }
      #expect("\(error)" == "the token file \(empty) is empty")
    }
  }

  @Test func tokenNeverPrints() {
    let token = APIToken("super-secret-value")
    #expect("\(token)" == "<redacted>")
    #expect(String(reflecting: token) == "APIToken(<redacted>)")
    let configuration = ClientConfiguration(baseURL: URL(string: "http://x")!, token: token)
    #expect(!"\(configuration)".contains("super-secret-value"))
    #expect(!String(reflecting: configuration).contains("super-secret-value"))
  }

  @Test func backoffGrowsAndIsBounded() {
    var policy = RetryPolicy()
    policy.baseDelay = .milliseconds(100)
    policy.maxDelay = .milliseconds(1000)
    #expect(policy.backoff(afterAttempt: 1, random: 0) == .milliseconds(50))
    #expect(policy.backoff(afterAttempt: 1, random: 1) == .milliseconds(100))
    #expect(policy.backoff(afterAttempt: 3, random: 1) == .milliseconds(400))
    #expect(policy.backoff(afterAttempt: 10, random: 1) == .milliseconds(1000))
  }

  @Test(arguments: ["zq\u{01}cd", "zq cd", "zq\tcd", "zq\u{7F}cd", "zqcé", "zq\ncd", "zq\u{1B}cd"])
  func aTokenThatCannotBeSentIsRefusedWithoutBeingShown(token: String) throws {
    let error = try #require(throws: (any Error).self) {
      try ClientConfiguration.fromEnvironment(["TE_TOKEN": token])
    }
    let problem = error as? ConfigurationError
    #expect(problem?.isTokenProblem == true)
    #expect("\(error)".hasPrefix("the API token in TE_TOKEN has a control, space or non-printable"))
    #expect(!"\(error)".contains("zq"), "\(error)")
  }

  @Test func aTokenFileThatCannotBeSentIsRefusedAndASpacedTokenIsTrimmed() throws {
    let file = temporaryPath("bad-token")
    try "tok\u{02}en\n".write(toFile: file, atomically: true, encoding: .utf8)
    let error = try #require(throws: (any Error).self) {
      try ClientConfiguration.fromEnvironment([:], tokenFile: file)
    }
    #expect(
      "\(error)"
        == "the API token in the token file \(file) has a control, space or non-printable character (at position 4); it was not used"
    )
    #expect(
      try ClientConfiguration.fromEnvironment(["TE_TOKEN": " ok-Token_1.2~+/= \n"]).token?.secret
        == "ok-Token_1.2~+/=")
  }

  @Test func theTokenFileIsRemembered() throws {
    let file = temporaryPath("token-file")
    try "abc\n".write(toFile: file, atomically: true, encoding: .utf8)
    #expect(try ClientConfiguration.fromEnvironment([:], tokenFile: file).tokenFile == file)
    #expect(try ClientConfiguration.fromEnvironment(["TE_TOKEN": "x"]).tokenFile == nil)
  }

  @Test func aBaseURLWithAPasswordIsRefusedRedacted() throws {
    let cases = [
      ("http://user:hunter2@host", "http://user:***@host"),
      ("https://u:p%40ss@api.example.com:8443/v7", "https://u:***@api.example.com:8443/v7"),
      ("http://a:b@c@host/x?y", "http://a:***@host/x?y"),
    ]
    for (url, shown) in cases {
      do {
        let error = try #require(throws: (any Error).self) { try ClientConfiguration.parseBaseURL(url) }
        #expect(
          "\(error)"
            == "invalid base URL '\(shown)': credentials in the URL are not allowed; give the token with TE_TOKEN or --token-file"
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
      do {
        let error = try #require(throws: (any Error).self) { try ClientConfiguration.parseBaseURL(url) }
        #expect("\(error)".hasPrefix("invalid base URL '\(shown)'"), "\(error)")
        #expect(!"\(error)".contains("s3cret"), "\(error)")
      }
    }
  }

  @Test func errorTextsNeverHoldARequestHeaderValue() {
    let headers = ["Bearer s3cr\u{01}t", "terun/test", "s3cr\u{01}t"]
    #expect(
      ThousandEyesClient.redacting(headers, in: #"invalidHeaderFieldValues(["Bearer s3cr\u{01}t"])"#)
        == "invalid HTTP header field (its value is not shown)")
    #expect(
      ThousandEyesClient.redacting(headers, in: "refused: Bearer s3cr\u{01}t and s3cr\u{01}t")
        == "refused: <redacted> and <redacted>")
    #expect(ThousandEyesClient.redacting(headers, in: #"got "Bearer s3cr\u{01}t""#) == #"got "<redacted>""#)
  }

  @Test func anAPIErrorNeverQuotesTheToken() {
    let body =
      #"{"title":"Bad Bearer s3cret","detail":"you sent s3cret","errors":[{"field":"s3cret","message":"Bearer s3cret is invalid"}]}"#
    let response = APIResponse(status: 400, headers: [], body: Array(body.utf8))
    let error = APIError(method: .get, path: "/tests", response: response).redacting([
      "Bearer s3cret", "s3cret",
    ])
    #expect(!error.description.contains("s3cret"), "\(error.description)")
    #expect(error.title == "Bad <redacted>")
    #expect(error.detail == "you sent <redacted>")
  }
}
