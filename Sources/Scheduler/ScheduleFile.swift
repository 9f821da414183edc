import Foundation
import Runbook
import Yams

/// A schedule file: the jobs the daemon runs.
///
/// ```yaml
/// jobs:
///   - name: nightly-latency
///     runbook: export_latency
///     params: { test_id: 123456, window: 24h }
///     cron: "0 2 * * *"
///     timezone: America/New_York
///     timeout: 30m
///     overlap: skip
///     catch_up: once
///     on_failure: { webhook: "https://hooks.example.com/terun", command: "logger terun failed" }
///     on_success: { command: "logger terun ok" }
///     retries: 2
///     retry_delay: 1m
///     keep: 30
///     keep_for: 30d
///     max_memory: 256MB
///     out_dir: /srv/terun/latency
/// ```
public struct ScheduleFile: Sendable, Equatable {
  /// The file it was loaded from, absolute, if any.
  public var path: String?
  /// The folder runbook paths are read against, and the runs' working folder.
  public var directory: String
  /// The jobs, in file order.
  public var jobs: [ScheduleJob]

  public init(path: String?, directory: String, jobs: [ScheduleJob]) {
    self.path = path
    self.directory = directory
    self.jobs = jobs
  }

  /// The job named `name`.
  public func job(named name: String) -> ScheduleJob? { jobs.first { $0.name == name } }

  /// Loads and validates the file at `path`; throws `ScheduleFileError` listing every problem.
  public static func load(path: String) throws -> ScheduleFile {
    let absolute = ScheduleFile.absolute(path)
    let text: String
    do {
      text = try String(contentsOfFile: absolute, encoding: .utf8)
    } catch {
      throw ScheduleFileError(
        path: path, problems: [ScheduleProblem(job: nil, field: nil, message: "cannot read the file")])
    }
    var file = try parse(text, directory: (absolute as NSString).deletingLastPathComponent, path: path)
    file.path = absolute
    return file
  }

  /// Parses and validates `text`; runbook paths are read against `directory`.
  public static func parse(_ text: String, directory: String, path: String? = nil) throws -> ScheduleFile {
    var parser = ScheduleParser(directory: directory)
    let jobs = parser.parse(text)
    if !parser.problems.isEmpty { throw ScheduleFileError(path: path, problems: parser.problems) }
    return ScheduleFile(path: path, directory: directory, jobs: jobs)
  }

  static func absolute(_ path: String) -> String {
    let expanded = (path as NSString).expandingTildeInPath
    if expanded.hasPrefix("/") { return (expanded as NSString).standardizingPath }
    let joined = (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(expanded)
    return (joined as NSString).standardizingPath
  }
}

/// Reads the YAML tree of a schedule file, collecting every problem instead of stopping at one.
struct ScheduleParser {
  static let jobKeys: Set<String> = [
    "name", "runbook", "params", "cron", "timezone", "timeout", "overlap", "on_failure", "catch_up",
    "on_success", "retries", "retry_delay", "keep", "keep_for", "max_memory", "out_dir",
  ]
  static let parameterKeyCharacters = CharacterSet(
    charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")

  let directory: String
  var problems: [ScheduleProblem] = []

  init(directory: String) { self.directory = directory }

  mutating func parse(_ text: String) -> [ScheduleJob] {
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch {
      let flat = "\(error)".split(whereSeparator: \.isNewline).joined(separator: " | ")
      problem(nil, nil, "not valid YAML: \(flat)")
      return []
    }
    guard let root, let mapping = root.mapping else {
      problem(nil, nil, "the file must be a mapping with a 'jobs' list")
      return []
    }
    for key in mapping.keys.map({ $0.string ?? "" }) where key != "jobs" {
      problem(nil, key, "unknown top-level key (expected 'jobs')")
    }
    guard let jobsNode = mapping["jobs"] else {
      problem(nil, "jobs", "missing")
      return []
    }
    guard let sequence = jobsNode.sequence else {
      problem(nil, "jobs", "must be a list of jobs")
      return []
    }
    if sequence.isEmpty { problem(nil, "jobs", "the list is empty") }
    var jobs: [ScheduleJob] = []
    var seen: [String: Int] = [:]
    for (index, node) in sequence.enumerated() {
      guard let job = parseJob(node, index: index) else { continue }
      if let first = seen[job.name] {
        problem(job.name, "name", "duplicate: jobs[\(first)] has the same name")
        continue
      }
      seen[job.name] = index
      jobs.append(job)
    }
    return jobs
  }

  private mutating func problem(_ job: String?, _ field: String?, _ message: String) {
    problems.append(ScheduleProblem(job: job, field: field, message: message))
  }

  private mutating func parseJob(_ node: Node, index: Int) -> ScheduleJob? {
    guard let mapping = node.mapping else {
      problem("jobs[\(index)]", nil, "must be a mapping with name, runbook, cron, ...")
      return nil
    }
    let before = problems.count
    let nameText = mapping["name"]?.scalar?.string
    var label = "jobs[\(index)]"
    if let nameText, !nameText.isEmpty, ControlCharacters.first(in: nameText) == nil { label = nameText }
    for key in mapping.keys.map({ $0.string ?? "" }) where !ScheduleParser.jobKeys.contains(key) {
      problem(
        label, key,
        "unknown field (expected one of \(ScheduleParser.jobKeys.sorted().joined(separator: ", ")))")
    }

    let name = scalar(mapping, "name", job: label) ?? ""
    if mapping["name"] == nil {
      problem(label, "name", "missing")
    } else if let nameText, ControlCharacters.first(in: nameText) == nil, !ScheduleJob.isValidName(name) {
      problem(label, "name", "'\(name)' must be 1-46 characters of a-z, 0-9 and '-'")
    }

    var runbook = ""
    var runbookArgument = ""
    if let text = scalar(mapping, "runbook", job: label) {
      runbook = text
      if text.isEmpty {
        problem(label, "runbook", "must not be empty")
      } else if text.contains("/") || text.hasSuffix(".lua") {
        let path = (text as NSString).expandingTildeInPath
        let absolute = path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
        runbookArgument = (absolute as NSString).standardizingPath
        if !FileManager.default.fileExists(atPath: runbookArgument) {
          problem(label, "runbook", "no such file: \(runbookArgument)")
        }
      } else {
        runbookArgument = text
      }
    } else if mapping["runbook"] == nil {
      problem(label, "runbook", "missing")
    }

    let parameters = parseParameters(mapping["params"], job: label)

    var cron: CronExpression?
    if let text = scalar(mapping, "cron", job: label) {
      do {
        cron = try CronExpression(parsing: text)
      } catch {
        problem(label, "cron", "'\(text)': \(error)")
      }
    } else if mapping["cron"] == nil {
      problem(label, "cron", "missing")
    }

    var timeZone = TimeZone(identifier: "UTC")!
    var timeZoneName = "UTC"
    if let text = scalar(mapping, "timezone", job: label) {
      if let zone = ScheduleParser.timeZone(named: text) {
        timeZone = zone
        timeZoneName = text
      } else {
        problem(label, "timezone", "'\(text)' is not an IANA time zone name (like Europe/Berlin)")
      }
    }
    if let cron, cron.nextRun(after: Date(), in: timeZone) == nil {
      problem(label, "cron", "'\(cron.source)' never matches a date")
    }

    var timeout = ScheduleJob.defaultTimeout
    if let text = scalar(mapping, "timeout", job: label) {
      do {
        timeout = try DurationSpec(parsing: text)
        if timeout.duration <= .zero { problem(label, "timeout", "must be longer than zero") }
      } catch {
        problem(label, "timeout", "\(error)")
      }
    }

    let overlap: OverlapPolicy = choice(mapping, "overlap", job: label) ?? .skip
    let catchUp: CatchUpPolicy = choice(mapping, "catch_up", job: label) ?? .once
    let onFailure = parseNotification(mapping, "on_failure", job: label)
    let onSuccess = parseNotification(mapping, "on_success", job: label)

    let retries = count(mapping, "retries", job: label, range: 0...ScheduleJob.maximumRetries) ?? 0
    let retryDelay = duration(mapping, "retry_delay", job: label) ?? ScheduleJob.defaultRetryDelay
    if mapping["retry_delay"] != nil && mapping["retries"] == nil {
      problem(label, "retry_delay", "has no effect without retries")
    }
    let keep = count(mapping, "keep", job: label, range: 1...1_000_000)
    let keepFor = duration(mapping, "keep_for", job: label)

    var maxMemory: ByteSize?
    if let text = scalar(mapping, "max_memory", job: label) {
      do {
        let size = try ByteSize(parsing: text)
        if size.bytes < 1024 * 1024 {
          problem(label, "max_memory", "must be at least 1MiB, got '\(text)'")
        } else {
          maxMemory = size
        }
      } catch {
        problem(label, "max_memory", "\(error)")
      }
    }

    var outDirectory: String?
    var outDirectoryPath: String?
    if let text = scalar(mapping, "out_dir", job: label) {
      if text.isEmpty {
        problem(label, "out_dir", "must not be empty")
      } else {
        let path = (text as NSString).expandingTildeInPath
        let absolute = path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
        outDirectory = text
        outDirectoryPath = (absolute as NSString).standardizingPath
      }
    }

    guard problems.count == before, let cron else { return nil }
    return ScheduleJob(
      name: name, runbook: runbook, runbookArgument: runbookArgument, parameters: parameters, cron: cron,
      timeZone: timeZone, timeZoneName: timeZoneName, timeout: timeout, overlap: overlap, catchUp: catchUp,
      onFailure: onFailure, onSuccess: onSuccess, retries: retries, retryDelay: retryDelay, keep: keep,
      keepFor: keepFor, maxMemory: maxMemory, outDirectory: outDirectory, outDirectoryPath: outDirectoryPath)
  }

  /// A whole number in `range`, if `key` is given.
  private mutating func count(_ mapping: Node.Mapping, _ key: String, job: String, range: ClosedRange<Int>)
    -> Int?
  {
    guard let text = scalar(mapping, key, job: job) else { return nil }
    guard let value = Int(text), range.contains(value) else {
      problem(job, key, "'\(text)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
      return nil
    }
    return value
  }

  /// A duration longer than zero, if `key` is given.
  private mutating func duration(_ mapping: Node.Mapping, _ key: String, job: String) -> DurationSpec? {
    guard let text = scalar(mapping, key, job: job) else { return nil }
    do {
      let value = try DurationSpec(parsing: text)
      if value.duration <= .zero {
        problem(job, key, "must be longer than zero")
        return nil
      }
      return value
    } catch {
      problem(job, key, "\(error)")
      return nil
    }
  }

  /// Records a problem when `text` holds a control character; true when it is clean.
  private mutating func clean(_ text: String, job: String, field: String) -> Bool {
    guard let found = ControlCharacters.first(in: text) else { return true }
    problem(
      job, field,
      "contains the control character \(ControlCharacters.name(found)); control characters (newlines, tabs, NUL, DEL, ...) are not allowed"
    )
    return false
  }

  /// An IANA zone by its exact name (Foundation also accepts abbreviations such as `EST`; those
  /// are refused, since their meaning is ambiguous).
  static func timeZone(named name: String) -> TimeZone? {
    if name == "UTC" || name == "Etc/UTC" { return TimeZone(identifier: "UTC") }
    guard TimeZone.knownTimeZoneIdentifiers.contains(name) else { return nil }
    return TimeZone(identifier: name)
  }

  private mutating func scalar(_ mapping: Node.Mapping, _ key: String, job: String) -> String? {
    guard let node = mapping[key] else { return nil }
    guard let scalar = node.scalar else {
      problem(job, key, "must be a single value, not a list or mapping")
      return nil
    }
    guard clean(scalar.string, job: job, field: key) else { return nil }
    return scalar.string
  }

  private mutating func choice<Choice: RawRepresentable & CaseIterable>(
    _ mapping: Node.Mapping, _ key: String, job: String
  ) -> Choice? where Choice.RawValue == String {
    guard let text = scalar(mapping, key, job: job) else { return nil }
    if let value = Choice(rawValue: text) { return value }
    let allowed = Choice.allCases.map(\.rawValue).joined(separator: " or ")
    problem(job, key, "'\(text)' must be \(allowed)")
    return nil
  }

  private mutating func parseParameters(_ node: Node?, job: String) -> [JobParameter] {
    guard let node else { return [] }
    guard let mapping = node.mapping else {
      problem(job, "params", "must be a mapping of name: value")
      return []
    }
    var result: [JobParameter] = []
    for (keyNode, valueNode) in mapping {
      let key = keyNode.string ?? ""
      guard clean(key, job: job, field: "params") else { continue }
      if key.isEmpty
        || key.unicodeScalars.contains(where: { !ScheduleParser.parameterKeyCharacters.contains($0) })
        || key.first!.isNumber
      {
        problem(job, "params.\(key)", "parameter names are letters, digits and '_' and start with a letter")
        continue
      }
      switch valueNode {
      case .scalar(let scalar):
        guard clean(scalar.string, job: job, field: "params.\(key)") else { continue }
        result.append(JobParameter(key: key, value: scalar.string))
      case .sequence(let items):
        let values = items.compactMap { $0.scalar?.string }
        if values.contains(where: { ControlCharacters.first(in: $0) != nil }) {
          _ = clean(values.joined(), job: job, field: "params.\(key)")
          continue
        }
        if values.count != items.count || values.contains(where: { $0.contains(",") }) {
          problem(job, "params.\(key)", "a list must hold plain values without commas")
          continue
        }
        result.append(JobParameter(key: key, value: values.joined(separator: ",")))
      default:
        problem(job, "params.\(key)", "must be a value or a list of values")
      }
    }
    return result
  }

  private mutating func parseNotification(_ parent: Node.Mapping, _ field: String, job: String)
    -> RunNotification?
  {
    guard let node = parent[field] else { return nil }
    guard let mapping = node.mapping else {
      problem(job, field, "must be a mapping with webhook and/or command")
      return nil
    }
    var notification = RunNotification()
    for key in mapping.keys.map({ $0.string ?? "" }) where key != "webhook" && key != "command" {
      problem(job, "\(field).\(key)", "unknown field (expected webhook or command)")
    }
    if let node = mapping["webhook"] {
      if let text = node.scalar?.string {
        if clean(text, job: job, field: "\(field).webhook") {
          if let url = URL(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", url.host != nil
          {
            notification.webhook = url
          } else {
            problem(job, "\(field).webhook", "must be an http or https URL")
          }
        }
      } else {
        problem(job, "\(field).webhook", "must be an http or https URL")
      }
    }
    if let node = mapping["command"] {
      if let text = node.scalar?.string, !text.trimmingCharacters(in: .whitespaces).isEmpty {
        if clean(text, job: job, field: "\(field).command") { notification.command = text }
      } else {
        problem(job, "\(field).command", "must be a non-empty shell command")
      }
    }
    if mapping.isEmpty { problem(job, field, "names neither webhook nor command") }
    return notification
  }
}
