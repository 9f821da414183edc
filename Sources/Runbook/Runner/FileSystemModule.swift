import LuaHost

extension RunbookRunner {
  /// Installs `te.fs.read(path)`, `te.fs.write(path, data)` and `te.fs.open(path)` over a
  /// `FileSandbox`: reads from the runbook's folder and the `path` parameters, writes under
  /// `--out-dir`, atomically. A refused path stops the run (exit 3). Writers opened with
  /// `te.fs.open` are tracked in `context.fileWriters`, so the run can abort the ones left open.
  func installFileSystem(into module: TEModule, context: RunContext) throws {
    let files: FileSandbox
    do {
      files = try FileSandbox(
        readRoots: configuration.source.folder.map { [$0] } ?? [],
        extraReadablePaths: configuration.readablePathParameters,
        defaultReadablePaths: configuration.defaultPathParameters,
        deniedPaths: configuration.client?.tokenFile.map { [$0] } ?? [],
        replaceablePaths: configuration.parameterPaths,
        outDir: configuration.outputDirectory)
    } catch {
      throw CommandFailure(.usage, "--out-dir \(configuration.outputDirectory): \(error)")
    }
    let state = module.state
    module.setFunction("fs.read") { call in
      // The bytes count against --max-memory twice while they are pushed: as the file read
      // here (charged once read), then as the Lua string. A file that cannot fit twice in what
      // is left is not read at all.
      let bytes: [UInt8]
      do {
        bytes = try files.read(try call.string(1), maxBytes: state.memoryAvailable / 2)
      } catch is FileSandbox.ReadLimitExceeded {
        throw state.memoryLimitExceeded()
      }
      try state.chargeHostMemory(bytes.count)
      defer { state.releaseHostMemory(bytes.count) }
      try call.push(.string(bytes))
      return 1
    }
    module.setFunction("fs.write") { call in
      let path = try call.string(1)
      let data = try call.bytes(2)
      try files.write(path, data)
      context.tally.wrote(path)
      return 0
    }
    FileWriterClass.define(in: module.state)
    let writers = context.fileWriters
    module.setFunction("fs.open") { call in
      let path = try call.string(1)
      let writer = try files.open(path)
      writers.track(writer)
      context.tally.wrote(path)
      call.pushObject(writer, class: FileWriterClass.name)
      return 1
    }
  }
}

/// The writers a run opened with `te.fs.open` (weakly: a collected writer has already
/// aborted itself). At the end of a run the runner aborts those still open.
public final class OpenFileWriters {
  private var writers: [Weak] = []

  private struct Weak {
    weak var writer: AtomicFileWriter?
  }

  init() {}

  func track(_ writer: AtomicFileWriter) {
    writers.removeAll { $0.writer?.status != .open }
    writers.append(Weak(writer: writer))
  }

  /// Aborts every writer still open (their temporary files are removed, their targets
  /// untouched) and returns their paths as the runbook gave them, in opening order.
  @discardableResult
  public func abortAll() -> [String] {
    let open = writers.compactMap(\.writer).filter { $0.status == .open }
    writers.removeAll()
    for writer in open { writer.abort() }
    return open.map(\.displayPath)
  }
}

/// The Lua side of a `te.fs.open` writer: a userdata with `write`, `close` and `abort`
/// methods, `__close` (commit on a normal exit, abort when an error propagates) and
/// `__gc` (a collected writer that is still open is aborted by `AtomicFileWriter`'s deinit).
enum FileWriterClass {
  static let name = "te.fs.writer"

  static func define(in state: LuaState) {
    state.defineObjectClass(
      name,
      methods: [
        "write": { call in
          let writer = try self.writer(call, "write")
          try writer.requireOpen(for: "write")
          if call.argumentCount >= 2 {
            for index in 2...call.argumentCount {
              let type = call.argumentType(index)
              guard type == .string || type == .number else {
                throw LuaScriptError(
                  "bad argument #\(index - 1) to 'write' (string expected, got \(call.typeName(index)))")
              }
              try call.withBytes(index) { try writer.write($0) }
            }
          }
          call.pushArgument(1)
          return 1
        },
        "close": { call in
          try self.writer(call, "close").close()
          return 0
        },
        "abort": { call in
          try self.writer(call, "abort").abort()
          return 0
        },
      ],
      metamethods: [
        "__close": { call in
          guard let writer = call.object(1, class: name, as: AtomicFileWriter.self) else { return 0 }
          if call.isNilOrMissing(2) {
            if writer.status == .open { try writer.close() }
          } else {
            writer.abort()
          }
          return 0
        },
        "__tostring": { call in
          guard let writer = call.object(1, class: name, as: AtomicFileWriter.self) else { return 0 }
          try call.push(.text("te.fs writer '\(writer.displayPath)' (\(statusName(writer.status)))"))
          return 1
        },
      ])
  }

  static func statusName(_ status: AtomicFileWriter.Status) -> String {
    switch status {
    case .open: return "open"
    case .committed: return "closed"
    case .aborted: return "aborted"
    case .failed: return "failed"
    }
  }

  private static func writer(_ call: LuaCallContext, _ method: String) throws -> AtomicFileWriter {
    guard let writer = call.object(1, class: name, as: AtomicFileWriter.self) else {
      throw LuaScriptError(
        "bad argument #1 to '\(method)' (te.fs writer expected, got \(call.typeName(1))); call it as w:\(method)(...)"
      )
    }
    return writer
  }
}
