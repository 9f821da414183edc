import Foundation
import Testing

/// Issue 13 "Secrets" and issue 15's missing token, end to end: a token that cannot be sent is
/// refused when it is loaded (exit 4) without being shown; a run that needs a token and has
/// none ends with one sentence (exit 4) and no internal frame; a base URL with a password is
/// refused with the password redacted.
@Suite("Secrets, end to end", .serialized)
struct SecretsCommandTests {
  static let callsTheAPI = """
    local ok = pcall(te.get, "/tests")
    print("listed")
    te.get("/tests")
    print("survived")
    """

  private func run(
    _ arguments: [String], environment: [String: String], files: [String: String] = [:]
  ) throws -> TerunProcess.Result {
    let root = try ScratchFolder()
    try root.write("rb.lua", Self.callsTheAPI)
    for (path, text) in files { try root.write(path, text) }
    var env = environment
    for name in ["TE_TOKEN", "TE_BASE_URL", "TE_AID"] where env[name] == nil { env[name] = "" }
    return try TerunProcess.run(["run", "rb.lua"] + arguments, in: root.url, environment: env, deadline: 60)
  }

  static let badTokens = [
    "zqx\u{01}def", "zqx\ndef", "zqx\rdef", "zqx\tdef", "zqx def", "zqx\u{7F}def", "zqxé", "zqx\u{1B}[31mdef",
    "zqx\u{0}def",
  ]

  @Test(arguments: badTokens)
  func aTokenWithAControlOrNonPrintableCharacterIsRefusedWithoutBeingShown(token: String) throws {
    // The NUL case cannot go through the environment; it is tested through the token file.
    if !token.contains("\u{0}") {
      let result = try run([], environment: ["TE_TOKEN": token, "TE_BASE_URL": "http://127.0.0.1:9"])
      #expect(result.status == 4, "\(result.stderr)")
      #expect(
        result.stderr.contains("terun: the API token in TE_TOKEN has a control, space or non-printable"))
      #expect(!result.stderr.contains("zqx"), "the token is shown: \(result.stderr)")
      #expect(!result.stdout.contains("listed"))
    }
    // The token file's first line is the token: a line break ends it there.
    if token.contains("\n") || token.contains("\r") { return }
    let fromFile = try run(
      ["--token-file", "token.txt"], environment: ["TE_BASE_URL": "http://127.0.0.1:9"],
      files: ["token.txt": token + "\n"])
    #expect(fromFile.status == 4, "\(fromFile.stderr)")
    #expect(
      fromFile.stderr.contains(
        "the API token in the token file token.txt has a control, space or non-printable"))
    #expect(!fromFile.stderr.contains("zqx"), "the token is shown: \(fromFile.stderr)")
  }

  @Test func aMissingTokenIsOneSentenceWithExit4() throws {
    let result = try run([], environment: ["TE_BASE_URL": "http://127.0.0.1:9"])
    #expect(result.status == 4, "\(result.stderr)")
    #expect(result.stderr == "terun: no API token: set TE_TOKEN, pass --token-file FILE, or use --sim\n")
    // pcall still catches it (a runbook may go on without the API); the uncaught one ends the run.
    #expect(result.stdout == "listed\n")
  }

  @Test(arguments: [
    ("http://user:hunter2@127.0.0.1:9", "http://user:***@127.0.0.1:9"),
    ("https://admin:hunter2@api.example.com/v7", "https://admin:***@api.example.com/v7"),
    ("http://user:hun:ter2@host", "http://user:***@host"),
    ("http://user:hunter2@evil@host:8080/x", "http://user:***@host:8080/x"),
    ("http://hunter2@127.0.0.1:9", "http://***@127.0.0.1:9"),
    ("http://user%3Ahunter2@127.0.0.1:9", "http://***@127.0.0.1:9"),
    ("http://user:@127.0.0.1:9", "http://user:***@127.0.0.1:9"),
    ("http:/user:hunter2@127.0.0.1:9", "http:/user:***@127.0.0.1:9"),
  ])
  func aBaseURLWithAPasswordIsRefusedWithThePasswordRedacted(url: String, shown: String) throws {
    for (arguments, environment) in [([String](), ["TE_BASE_URL": url]), (["--base-url", url], [:])] {
      var env = environment
      env["TE_TOKEN"] = "tok"
      let result = try run(arguments, environment: env)
      #expect(result.status == 2, "\(result.stderr)")
      #expect(result.stderr.contains("invalid base URL '\(shown)': credentials in the URL are not allowed"))
      #expect(!result.stderr.contains("hunter2"), "\(result.stderr)")
      #expect(!result.stderr.contains("ter2"), "\(result.stderr)")
    }
  }
}
