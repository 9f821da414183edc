import Foundation
import Testing

/// The sandbox escape suite of issue 2: each case is a runbook in Fixtures/escapes/, run by the
/// built binary. Its leading comments say what must happen:
///   -- expect-exit: 3
///   -- expect-stderr: text that stderr must contain (repeatable)
///   -- expect-stdout: text that stdout must contain
///   -- expect-not-stdout: text that stdout must not contain
///   -- args: extra command-line options
@Suite("Sandbox escapes, end to end")
struct SandboxEscapeTests {
  static let fixtures = TerunProcess.packageRoot.appendingPathComponent("Tests/TerunTests/Fixtures/escapes")

  /// Every case issue 2 lists must have a fixture.
  static let requiredCases = [
    "load_dumped_function", "load_binary_string", "string_dump_method", "string_metatable_tampering",
    "io_open", "os_execute", "os_exit", "os_getenv", "require_io", "require_debug", "package_loadlib",
    "debug_getregistry", "collectgarbage_stop", "gc_twice", "pcall_infinite_loop", "coroutine_infinite_loop",
    "string_rep_huge", "string_rep_over_limit", "table_growth_bomb", "pattern_backtracking", "deep_recursion",
    "fs_read_passwd",
    "fs_write_parent", "fs_write_symlink", "fs_write_absolute",
  ]

  @Test func everyCaseHasAFixture() throws {
    let present = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path)
      .filter { $0.hasSuffix(".lua") }.map { String($0.dropLast(4)) }
    #expect(Set(present) == Set(Self.requiredCases))
  }

  @Test(arguments: requiredCases)
  func escapeIsRefused(name: String) throws {
    let source = try String(
      contentsOf: Self.fixtures.appendingPathComponent(name + ".lua"), encoding: .utf8)
    let expectation = Expectation(source)
    let exit = try #require(expectation.exit, "\(name) has no expect-exit line")

    // root/work is the current folder, root/work/out the output folder, root/outside a folder
    // that out/link points to. After the run nothing may exist beyond the files set up here.
    let root = try ScratchFolder()
    try root.write("work/rb/\(name).lua", source)
    try FileManager.default.createDirectory(
      at: root.url.appendingPathComponent("work/out"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(
      at: root.url.appendingPathComponent("outside"), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      atPath: root.url.appendingPathComponent("work/out/link").path,
      withDestinationPath: root.url.appendingPathComponent("outside").path)
    let absoluteTarget = "/tmp/terun-escape-absolute.txt"
    try? FileManager.default.removeItem(atPath: absoluteTarget)
    let before = root.listing()

    let result = try TerunProcess.run(
      ["run", "rb/\(name).lua", "--out-dir", "out"] + expectation.arguments,
      in: root.url.appendingPathComponent("work"),
      environment: ["TE_TOKEN": "secret-token-for-escape-tests"])

    expectation.verify(result, exit: exit, case: name)
    #expect(!(result.stdout + result.stderr).contains("secret-token-for-escape-tests"))
    #expect(root.listing() == before, "\(name) wrote outside --out-dir")
    #expect(!FileManager.default.fileExists(atPath: absoluteTarget), "\(name) wrote \(absoluteTarget)")
    #expect(!FileManager.default.fileExists(atPath: root.url.appendingPathComponent("escaped").path))
  }

  struct Expectation {
    var exit: Int32?
    var stderr: [String] = []
    var stdout: [String] = []
    var notStdout: [String] = []
    var arguments: [String] = []
    /// Seconds after which a run still going counts as a hang (`-- within: 10`).
    var within: Double?
    /// Files made before the run, relative to the scratch root (`-- file: work/out/a.txt=old`).
    var files: [(path: String, contents: String)] = []
    /// Files that must hold exactly this after the run (`-- expect-file: work/out/a.txt=new`).
    var expectedFiles: [(path: String, contents: String)] = []
    /// Paths that must not exist after the run (`-- expect-no-file: work/out/sub`).
    var absentFiles: [String] = []

    /// Checks a run's exit status and its expected and unexpected output lines.
    func verify(_ result: TerunProcess.Result, exit: Int32, case name: String) {
      #expect(
        result.status == exit,
        "\(name): exit \(result.status)\nstderr: \(result.stderr)\nstdout: \(result.stdout)")
      for text in stderr {
        #expect(result.stderr.contains(text), "\(name): stderr lacks \"\(text)\": \(result.stderr)")
      }
      for text in stdout {
        #expect(result.stdout.contains(text), "\(name): stdout lacks \"\(text)\": \(result.stdout)")
      }
      for text in notStdout {
        #expect(!result.stdout.contains(text), "\(name): stdout has \"\(text)\"")
      }
    }

    init(_ source: String) {
      for line in source.split(separator: "\n") where line.hasPrefix("-- ") {
        let text = line.dropFirst(3)
        guard let colon = text.firstIndex(of: ":") else { continue }
        let key = text[..<colon]
        let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        switch key {
        case "expect-exit": exit = Int32(value)
        case "expect-stderr": stderr.append(value)
        case "expect-stdout": stdout.append(value)
        case "expect-not-stdout": notStdout.append(value)
        case "args": arguments += value.split(separator: " ").map(String.init)
        case "within": within = Double(value)
        case "file", "expect-file":
          let parts = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
          let entry = (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
          if key == "file" { files.append(entry) } else { expectedFiles.append(entry) }
        case "expect-no-file": absentFiles.append(value)
        default: continue
        }
      }
    }
  }
}
