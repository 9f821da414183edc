import Foundation
import LuaHost
import REPL
import Runbook
import ThousandEyes

/// A bare state for printer and completer tests: evaluates expressions onto the stack.
final class LuaFixture {
  let state: LuaState

  init() throws {
    state = try LuaState()
    state.openLibraries()
  }

  /// Runs a statement.
  func run(_ source: String) throws {
    _ = try state.run(source: source, chunkName: "=test")
  }

  /// Evaluates `expression` and renders its first value with `printer`.
  func render(_ expression: String, _ printer: ValuePrinter = ValuePrinter()) throws -> String {
    let chunk = try state.load(source: "return " + expression, chunkName: "=test")
    return try state.withProtectedCall(chunk) { result, _ in
      switch result {
      case .returned(let values): return values.first.map { printer.render($0) } ?? "nil"
      case .raised(let error): throw LuaError(kind: .runtime, message: error.text ?? "error")
      }
    }
  }
}

/// A REPL session writing stdout and stderr to files the test reads back.
final class SessionFixture {
  let session: REPLSession
  private let sink: OutputSink
  private let folder: URL
  private let stdoutHandle: FileHandle
  private let stderrHandle: FileHandle

  init(limits: StatementLimits = StatementLimits(), folder: URL? = nil, client: ThousandEyesClient? = nil)
    throws
  {
    let folder = folder ?? FileManager.default.temporaryDirectory.appendingPathComponent("repl-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    self.folder = folder
    for name in ["out", "err"] {
      guard FileManager.default.createFile(atPath: folder.appendingPathComponent(name).path, contents: nil)
      else { throw CocoaError(.fileWriteUnknown) }
    }
    stdoutHandle = try FileHandle(forUpdating: folder.appendingPathComponent("out"))
    stderrHandle = try FileHandle(forUpdating: folder.appendingPathComponent("err"))
    sink = OutputSink(stdout: stdoutHandle.fileDescriptor, stderr: stderrHandle.fileDescriptor)
    let configuration = RunConfiguration(
      source: RunbookSource(displayName: "stdin", bytes: [], folder: folder.path),
      header: RunbookHeader(), parameters: [:], outputDirectory: folder.path,
      limits: RunLimits(maxMemory: try ByteSize(parsing: "64MB")))
    session = try REPLSession(configuration: configuration, client: client, limits: limits, sink: sink)
  }

  /// The folder the session's files live in.
  var directory: URL { folder }

  /// Feeds lines; returns the last outcome.
  @discardableResult
  func feed(_ lines: String...) -> REPLSession.Outcome {
    var outcome = REPLSession.Outcome.ran(succeeded: true)
    for line in lines { outcome = session.feed(line) }
    return outcome
  }

  /// Everything written to stdout so far.
  var output: String { read("out") }
  /// Everything written to stderr so far.
  var errors: String { read("err") }

  private func read(_ name: String) -> String {
    sink.flush()
    let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) ?? Data()
    return String(decoding: data, as: UTF8.self)
  }

  deinit {
    try? stdoutHandle.close()
    try? stderrHandle.close()
    try? FileManager.default.removeItem(at: folder)
  }
}
