import LuaHost

extension RunbookRunner {
  /// Installs `te.fs.read(path)` and `te.fs.write(path, data)` over a `FileSandbox`: reads from
  /// the runbook's folder and the `path` parameters, writes under `--out-dir`, atomically.
  /// A refused path stops the run (exit 3).
  func installFileSystem(into module: TEModule) throws {
    let files: FileSandbox
    do {
      files = try FileSandbox(
        readRoots: configuration.source.folder.map { [$0] } ?? [],
        extraReadablePaths: configuration.readablePathParameters,
        outDir: configuration.outputDirectory)
    } catch {
      throw CommandFailure(.usage, "--out-dir \(configuration.outputDirectory): \(error)")
    }
    module.setFunction("fs.read") { call in
      try call.push(.string(try files.read(try call.string(1))))
      return 1
    }
    module.setFunction("fs.write") { call in
      let path = try call.string(1)
      let data = try call.bytes(2)
      try files.write(path, data)
      return 0
    }
  }
}
