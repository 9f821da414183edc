import LuaHost
import Testing

@testable import Runbook

@Suite("Failures and exit statuses")
struct RunFailureTests {
  private let limits = RunLimits(
    timeout: try! DurationSpec(parsing: "2s"), maxMemory: try! ByteSize(parsing: "64MB"),
    maxInstructions: 1_000_000)

  @Test func eachLimitHasItsOwnMessageAndExit3() {
    let cases: [(LuaError.Kind, String)] = [
      (.instructionLimit, "instruction limit exceeded (--max-instructions 1000000)"),
      (.memoryLimit, "memory limit exceeded (--max-memory 64MB)"),
      (.timeout, "timeout after 2s (--timeout)"),
      (.sandboxViolation, "sandbox: io.open is not available"),
    ]
    for (kind, message) in cases {
      let failure = CommandFailure(LuaError(kind: kind, message: "io.open is not available"), limits: limits)
      #expect(failure.exitStatus == .limitOrSandbox)
      #expect(failure.message == message)
      #expect(ExitStatus.of(failure) == .limitOrSandbox)
    }
  }

  @Test func timeoutInBareSecondsSaysSeconds() throws {
    let bare = RunLimits(timeout: try DurationSpec(parsing: "30"), maxMemory: ByteSize(bytes: 1 << 30))
    #expect(
      CommandFailure(LuaError(kind: .timeout, message: ""), limits: bare).message
        == "timeout after 30s (--timeout)")
  }

  @Test func scriptErrorsKeepFileLineAndTraceback() {
    let error = LuaError(
      kind: .runtime, message: "rb.lua:3: boom", traceback: "stack traceback:\n\trb.lua:3: in main chunk")
    let failure = CommandFailure(error, limits: limits)
    #expect(failure.exitStatus == .runbookError)
    #expect(failure.message == "rb.lua:3: boom\nstack traceback:\n\trb.lua:3: in main chunk")
  }

  @Test func userErrorsAreTheMessageAloneAndVerboseAddsTheTraceback() {
    let traceback = "stack traceback:\n\t[C]: in function 'error'\n\trb.lua:3: in main chunk\n\t[C]: in ?"
    let plain = LuaError(kind: .runtime, message: "no users given", traceback: traceback)
    #expect(CommandFailure(plain, limits: limits).message == "no users given")
    #expect(CommandFailure(plain, limits: limits).exitStatus == .runbookError)
    #expect(
      CommandFailure(plain, limits: limits, verbose: true).message
        == "no users given\nstack traceback:\n\trb.lua:3: in main chunk")
    let fail = LuaError(
      kind: .runtime, message: "stop here", traceback: traceback,
      value: .table(LuaTable(fields: ["kind": .text("fail"), "message": .text("stop here")])))
    #expect(CommandFailure(fail, limits: limits).message == "stop here")
    let usage = LuaError(
      kind: .runtime, message: "parameter n: must be even", traceback: traceback,
      value: .table(LuaTable(fields: ["kind": .text("usage"), "param": .text("n")])))
    #expect(CommandFailure(usage, limits: limits).exitStatus == .usage)
    #expect(CommandFailure(usage, limits: limits).message == "parameter n: must be even")
  }

  @Test func tracebacksNeverShowInternalFrames() {
    let error = LuaError(
      kind: .runtime, message: "te/http.lua:160: boom",
      traceback:
        "stack traceback:\n\t[C]: in ?\n\tte/http.lua:160: in function 'te.get'\n\tterun/prelude.lua:12: in upvalue 'x'\n\trb.lua:2: in main chunk"
    )
    let failure = CommandFailure(error, limits: limits)
    #expect(failure.message == "boom\nstack traceback:\n\trb.lua:2: in main chunk")
  }

  @Test func exitCodesAreTheDocumentedNumbers() {
    #expect(ExitStatus.allCases.map(\.rawValue) == [0, 1, 2, 3, 4, 5])
    #expect(ExitStatus.of(RunbookHeaderError(file: "a.lua", line: 1, message: "x")) == .runbookError)
    #expect(ExitStatus.of(ParameterError(parameter: "x", message: "x")) == .usage)
    #expect(ExitStatus.of(CommandFailure(.auth, "401")) == .auth)
  }
}

@Suite("Runbook description")
struct RunbookDescriptionTests {
  @Test func rendersTheParameterTable() {
    let header = RunbookHeader(
      name: "demo", description: "Does things.",
      parameters: [
        ParameterSpec(name: "test_id", type: .integer, required: true, help: "the test"),
        ParameterSpec(name: "format", type: .enumeration(["csv", "json"]), defaultValue: .string("csv")),
        ParameterSpec(name: "names", type: .list, help: "agents"),
      ])
    let text = RunbookDescription.render(header, runbook: "demo.lua")
    #expect(
      text == """
        demo: Does things.

        Usage: terun run demo.lua test_id=INTEGER [format=ENUM] [names=LIST]

        Parameters:
          NAME     TYPE            REQUIRED/DEFAULT  HELP
          test_id  integer         required          the test
          format   enum(csv|json)  default csv
          names    list            optional          agents

        """)
  }

  @Test func saysWhenThereAreNoParameters() {
    let text = RunbookDescription.render(RunbookHeader(), runbook: "x.lua")
    #expect(text == "x.lua\n\nUsage: terun run x.lua\n\nThis runbook takes no parameters.\n")
  }
}
