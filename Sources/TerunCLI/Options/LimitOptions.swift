import ArgumentParser
import Runbook

/// The sandbox's limits: `--timeout`, `--max-memory`, `--max-instructions`.
struct LimitOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Stop the run after this wall-clock time: 500ms, 2s, 10m, 1h, 1d or seconds "
        + "(terun run: default 1h; repl and test: none).", valueName: "duration"),
    transform: { try DurationSpec(parsing: $0) })
  var timeout: DurationSpec?

  @Option(
    name: .customLong("max-memory"),
    help: ArgumentHelp("Memory the Lua state may use: 64MB, 1GiB or bytes.", valueName: "size"),
    transform: { try ByteSize(parsing: $0) })
  var maxMemory: ByteSize = ByteSize.defaultMemoryLimit

  @Option(
    name: .customLong("max-instructions"),
    help: ArgumentHelp("Stop the run after this many Lua VM instructions.", valueName: "count"))
  var maxInstructions: Int64?

  func validate() throws {
    if let maxInstructions, maxInstructions <= 0 {
      throw ValidationError("--max-instructions must be a positive number, got \(maxInstructions)")
    }
    if maxMemory.bytes < 1024 * 1024 {
      throw ValidationError("--max-memory must be at least 1MiB, got \(maxMemory.spelling)")
    }
    if let timeout, timeout.duration <= .zero {
      throw ValidationError("--timeout must be longer than zero, got \(timeout.spelling)")
    }
  }
}

extension ByteSize {
  /// The default `--max-memory`: 1GiB.
  static let defaultMemoryLimit = try! ByteSize(parsing: "1GiB")
}
