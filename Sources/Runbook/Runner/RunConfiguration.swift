import ThousandEyes

/// The sandbox limits of one run, with the spelling the user gave for messages.
public struct RunLimits: Sendable {
  /// Wall-clock limit (`--timeout`), or nil for none.
  public var timeout: DurationSpec?
  /// Memory cap for the Lua state (`--max-memory`, default 1GiB).
  public var maxMemory: ByteSize
  /// Lua VM instruction budget (`--max-instructions`), or nil for none.
  public var maxInstructions: Int64?

  /// Creates limits.
  public init(timeout: DurationSpec? = nil, maxMemory: ByteSize, maxInstructions: Int64? = nil) {
    self.timeout = timeout
    self.maxMemory = maxMemory
    self.maxInstructions = maxInstructions
  }
}

/// Everything one run needs: the runbook, its converted parameters, the output folder, the limits.
public struct RunConfiguration: Sendable {
  /// The runbook's source.
  public var source: RunbookSource
  /// Its header (already read; the run does not read it again).
  public var header: RunbookHeader
  /// Converted parameter values (`te.params`).
  public var parameters: [String: ParameterValue]
  /// The absolute folder `te.fs.write` writes under.
  public var outputDirectory: String
  /// The sandbox limits.
  public var limits: RunLimits
  /// The lowest `te.log` level shown.
  public var logThreshold: LogLevel
  /// `TERUN_PATH` folders searched by `require` after the runbook's folder.
  public var searchPath: [String]
  /// Whether this is a dry run (`te.dry_run`); writes are planned, not sent.
  public var dryRun: Bool
  /// Whether the plan of this dry run is applied by the same command once the user agrees
  /// (`terun run --confirm`).
  public var appliesAfterConfirmation = false
  /// Where `te` API calls go (base URL, token, aid), or nil when no API is configured.
  public var client: ClientConfiguration?
  /// Whether `runbook { ... }` may be called any number of times, anywhere: a REPL session,
  /// whose typed input and `:load`ed runbooks share one state. A run takes it once, as the
  /// first statement of a file that has a header.
  public var acceptsRepeatedHeaders = false

  /// Creates a configuration.
  public init(
    source: RunbookSource, header: RunbookHeader, parameters: [String: ParameterValue],
    outputDirectory: String, limits: RunLimits, logThreshold: LogLevel = .info, searchPath: [String] = [],
    dryRun: Bool = false, client: ClientConfiguration? = nil
  ) {
    self.source = source
    self.header = header
    self.parameters = parameters
    self.outputDirectory = outputDirectory
    self.limits = limits
    self.logThreshold = logThreshold
    self.searchPath = searchPath
    self.dryRun = dryRun
    self.client = client
  }

  /// How the run's writes are handled (`te.mode`).
  public var mode: RunMode {
    guard dryRun else { return .live }
    return appliesAfterConfirmation ? .confirm : .plan
  }

  /// The files `te.fs.read` may read besides the runbook's folder: the `path` parameters the
  /// user gave (a value equal to the default counts as the default).
  public var readablePathParameters: [String] {
    header.parameters.compactMap { spec in
      if case .path(let path)? = parameters[spec.name], parameters[spec.name] != spec.defaultValue {
        return path
      }
      return nil
    }
  }

  /// The `path` parameters left at their default: readable only inside the runbook's folder
  /// or the output folder (a default could otherwise name any file, `/proc/self/environ`).
  public var defaultPathParameters: [String] {
    header.parameters.compactMap { spec in
      if case .path(let path)? = parameters[spec.name], parameters[spec.name] == spec.defaultValue {
        return path
      }
      return nil
    }
  }

  /// The string and path parameter values (given or default, as `--help` shows them): the
  /// write paths whose existing file a run may replace.
  public var parameterPaths: [String] {
    header.parameters.compactMap { spec in
      switch parameters[spec.name] {
      case .string(let text)?, .path(let text)?: return text
      default: return nil
      }
    }
  }
}

/// How a run's writes are handled, as `te.mode` tells the runbook.
public enum RunMode: String, Sendable {
  /// Writes are sent as the runbook makes them.
  case live
  /// Writes are planned and shown; this run sends none (`--dry-run`, `--plan-out`,
  /// `--detailed-exitcode`).
  case plan
  /// Writes are planned and shown now, and the plan is applied after the user agrees
  /// (`--confirm`): messages should not say that nothing will be sent.
  case confirm
}
