import Foundation
import Testing

/// Issue 13 "Reads", "Writes" and "Memory" cases that need links or big files, end to end: the
/// token file is never readable whatever name reaches it (symlink, hard link, path parameter);
/// a symlink cannot lead a write to a hidden name; a file read counts against --max-memory.
@Suite("Sandbox files with links and big files, end to end", .serialized)
struct SandboxFileLinkTests {
  static let secret = "tok-linked-secret-value"

  /// Runs `source` as rb/case.lua in a scratch root whose work/rb holds token.txt (the token
  /// file, given with --token-file) after `prepare` ran.
  private func run(
    _ source: String, arguments: [String] = [], prepare: (ScratchFolder) throws -> Void = { _ in }
  ) throws -> (TerunProcess.Result, ScratchFolder) {
    let root = try ScratchFolder()
    try root.write("work/rb/case.lua", source)
    try root.write("work/rb/token.txt", Self.secret + "\n")
    try FileManager.default.createDirectory(
      at: root.url.appendingPathComponent("work/out"), withIntermediateDirectories: true)
    try prepare(root)
    let result = try TerunProcess.run(
      ["run", "rb/case.lua", "--out-dir", "out", "--token-file", "rb/token.txt"] + arguments,
      in: root.url.appendingPathComponent("work"), environment: ["TE_TOKEN": ""], deadline: 60)
    #expect(!result.timedOut)
    #expect(!(result.stdout + result.stderr).contains(Self.secret), "the token leaked: \(result)")
    return (result, root)
  }

  private func path(_ root: ScratchFolder, _ relative: String) -> String {
    root.url.appendingPathComponent(relative).path
  }

  @Test(arguments: ["symlink", "hardlink", "relative-symlink", "parameter-hardlink"])
  func theTokenFileIsNeverReadable(variant: String) throws {
    let source = """
      runbook { name = "case", params = { file = { type = "path", help = "input" } } }
      print(te.fs.read(te.params.file or "alias.txt"))
      """
    let (result, _) = try run(
      variant == "parameter-hardlink" ? source : "print(te.fs.read('alias.txt'))",
      arguments: variant == "parameter-hardlink" ? ["file=elsewhere/copy.txt"] : []
    ) { root in
      let token = path(root, "work/rb/token.txt")
      switch variant {
      case "symlink":
        try FileManager.default.createSymbolicLink(
          atPath: path(root, "work/rb/alias.txt"), withDestinationPath: token)
      case "relative-symlink":
        try FileManager.default.createSymbolicLink(
          atPath: path(root, "work/rb/alias.txt"), withDestinationPath: "./token.txt")
      case "hardlink":
        try FileManager.default.linkItem(atPath: token, toPath: path(root, "work/rb/alias.txt"))
      default:
        try FileManager.default.createDirectory(
          atPath: path(root, "work/elsewhere"), withIntermediateDirectories: true)
        try FileManager.default.linkItem(atPath: token, toPath: path(root, "work/elsewhere/copy.txt"))
      }
    }
    #expect(result.status == 3, "\(variant): \(result.stderr)")
    #expect(
      result.stderr.contains("is the API token file, which is never readable"), "\(variant): \(result.stderr)"
    )
  }

  /// Under --sim the simulator has its own token, but the token file the user named still
  /// holds the real one: never readable, directly, by a default, or through /proc/self/cwd.
  @Test(arguments: ["token.txt", "DEFAULT", "/proc/self/cwd/rb/token.txt"])
  func theTokenFileIsNeverReadableUnderTheSimulator(name: String) throws {
    let source =
      name == "DEFAULT"
      ? """
      runbook { name = "case", params = { file = { type = "path", default = "token.txt", help = "input" } } }
      print(te.fs.read(te.params.file))
      """
      : "print(te.fs.read('\(name)'))"
    let (result, _) = try run(source, arguments: ["--sim"])
    #expect(result.status == 3, "\(name): \(result.stderr)")
    #expect(
      result.stderr.contains("is the API token file, which is never readable"), "\(name): \(result.stderr)")
  }

  /// A symlink beside the runbook cannot lead a read to a hidden file there.
  @Test func aSymlinkCannotLeadAReadToAHiddenName() throws {
    let (result, _) = try run("print(te.fs.read('key'))") { root in
      try root.write("work/rb/.ssh/id_rsa", "PRIVATE-KEY-through-a-link")
      try FileManager.default.createSymbolicLink(
        atPath: path(root, "work/rb/key"), withDestinationPath: ".ssh/id_rsa")
    }
    #expect(result.status == 3, "\(result.stderr)")
    #expect(
      result.stderr.contains("te.fs.read: 'key' has a component starting with '.' ('.ssh')"),
      "\(result.stderr)")
    #expect(!result.stdout.contains("PRIVATE-KEY"))
  }

  @Test func aSymlinkCannotLeadAWriteToAHiddenName() throws {
    let (result, root) = try run("te.fs.write('keys/authorized_keys', 'attacker')") { root in
      try FileManager.default.createDirectory(
        atPath: path(root, "work/out/.ssh"), withIntermediateDirectories: true)
      try FileManager.default.createSymbolicLink(
        atPath: path(root, "work/out/keys"), withDestinationPath: ".ssh")
    }
    #expect(result.status == 3, "\(result.stderr)")
    #expect(result.stderr.contains("leads to a hidden name ('.ssh') through a symlink"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: path(root, "work/out/.ssh/authorized_keys")))
  }

  @Test func aRefusedWriteCreatesNoFolder() throws {
    // The folders exist only up to "a"; "a/b/c" would be created, but the target is refused.
    let (result, root) = try run("te.fs.write('a/b/c/.profile', 'x')") { root in
      try FileManager.default.createDirectory(
        atPath: path(root, "work/out/a"), withIntermediateDirectories: true)
    }
    #expect(result.status == 3, "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: path(root, "work/out/a")) == [])
  }

  @Test(arguments: [40_000_000, 20_000_000])
  func aFileReadCountsAgainstTheMemoryCap(size: Int) throws {
    let (result, _) = try run(
      "local s = te.fs.read('big.bin') print('survived', #s)", arguments: ["--max-memory", "32MB"]
    ) { root in
      let data = Data(repeating: 0x78, count: size)
      try data.write(to: root.url.appendingPathComponent("work/rb/big.bin"))
    }
    #expect(result.status == 3, "\(result.stderr)")
    #expect(result.stderr.contains("memory limit exceeded (--max-memory 32MB)"), "\(result.stderr)")
    #expect(!result.stdout.contains("survived"))
  }

  @Test func aSmallFileReadFitsTheCap() throws {
    let (result, _) = try run(
      "local s = te.fs.read('small.bin') print('read', #s)", arguments: ["--max-memory", "32MB"]
    ) { root in
      try Data(repeating: 0x78, count: 4_000_000).write(
        to: root.url.appendingPathComponent("work/rb/small.bin"))
    }
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "read\t4000000\n")
  }

  @Test func aFIFOIsNotReadAndDoesNotBlock() throws {
    let (result, _) = try run("print(te.fs.read('pipe'))", arguments: ["--timeout", "5s"]) { root in
      #expect(mkfifo(path(root, "work/rb/pipe"), 0o600) == 0)
    }
    #expect(result.status == 1, "\(result.stderr)")
    #expect(result.stderr.contains("te.fs.read: cannot read 'pipe': not a regular file"), "\(result.stderr)")
  }

  @Test(arguments: ["/etc/passwd", "OUTSIDE/secret.txt", "/proc/self/environ"])
  func aTestCannotReadThroughANestedRunsPathParameter(argument: String) throws {
    let root = try ScratchFolder()
    try root.write("outside/secret.txt", "top secret")
    let path = argument.replacingOccurrences(
      of: "OUTSIDE", with: root.url.appendingPathComponent("outside").path)
    try root.write(
      "work/t/steal_test.lua",
      """
      local t = require("testing")
      t.describe("steal", function()
        t.it("reads through a nested run", function()
          local run = te.run_runbook("bulk_create_users", { csv = "\(path)" }, { dry_run = true })
          print(run.stdout, run.error)
        end)
      end)
      """)
    let result = try TerunProcess.run(
      ["test", "t/steal_test.lua"], in: root.url.appendingPathComponent("work"), deadline: 120)
    #expect(result.status == 3, "\(result.stderr)")
    #expect(
      (result.stdout + result.stderr).contains(
        "sandbox: te.run_runbook: parameter csv names '\(path)', which this runbook may not read"),
      "\(result.stdout)\(result.stderr)")
    #expect(!(result.stdout + result.stderr).contains("root:"))
    #expect(!(result.stdout + result.stderr).contains("top secret"))
  }
}

extension SandboxFileLinkTests {
  /// `te.run_runbook(path)` runs a file only if the calling test may read it: otherwise its
  /// output and its errors (a syntax error quotes the text) show any file.
  @Test(arguments: [
    "/proc/self/environ", "OUTSIDE/secret.lua", "../../outside/secret.lua", "link.lua", "link",
  ])
  func aTestCannotRunAFileItMayNotRead(argument: String) throws {
    let root = try ScratchFolder()
    try root.write("outside/secret.lua", "runbook { name = \"secret\" }\nprint('top secret')\n")
    let outside = root.url.appendingPathComponent("outside").path
    if argument.hasPrefix("link") {
      try FileManager.default.createDirectory(
        at: root.url.appendingPathComponent("work/t"), withIntermediateDirectories: true)
      try FileManager.default.createSymbolicLink(
        atPath: root.url.appendingPathComponent("work/t/link.lua").path,
        withDestinationPath: outside + "/secret.lua")
    }
    let name = argument.replacingOccurrences(of: "OUTSIDE", with: outside)
    try root.write(
      "work/t/steal_test.lua",
      """
      local t = require("testing")
      t.describe("steal", function()
        t.it("runs a file it may not read", function()
          local run = te.run_runbook("\(name)", {})
          print(run.stdout, run.error)
        end)
      end)
      """)
    let result = try TerunProcess.run(
      ["test", "t/steal_test.lua"], in: root.url.appendingPathComponent("work"),
      environment: ["TE_TOKEN": "secret-token-for-nested-runs"], deadline: 120)
    let output = result.stdout + result.stderr
    #expect(result.status == 3, "\(result.stderr)")
    #expect(
      output.contains("sandbox: te.run_runbook: '\(name)' is a file this runbook may not read"), "\(output)")
    #expect(!output.contains("top secret"))
    #expect(!output.contains("secret-token-for-nested-runs"))
  }
}

extension SandboxFileLinkTests {
  /// What a nested run printed or wrote is read back whole into the test: it counts against
  /// the test's --max-memory (192 MB of output under a 64 MB cap peaked near 500 MB).
  @Test(arguments: ["print(s)", "te.fs.write('f' .. i .. '.txt', s)"])
  func aNestedRunsOutputCountsAgainstTheMemoryCap(statement: String) throws {
    let root = try ScratchFolder()
    try root.write(
      "t/loud.lua",
      """
      runbook { name = "loud", description = "prints or writes 192 MB" }
      local s = "a"
      for _ = 1, 24 do s = s .. s end
      for i = 1, 12 do \(statement) end
      """)
    try root.write(
      "t/loud_test.lua",
      """
      local t = require("testing")
      t.describe("nested", function()
        t.it("reads it all back", function()
          local r = te.run_runbook("loud.lua", {})
          print("read back", #r.stdout)
        end)
      end)
      """)
    let result = try TerunProcess.run(
      ["test", "t/loud_test.lua", "--max-memory", "64MB"], in: root.url, deadline: 120)
    #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("terun: memory limit exceeded (--max-memory 64MB)"), "\(result.stderr)")
    #expect(!result.stdout.contains("read back"))
  }
}
