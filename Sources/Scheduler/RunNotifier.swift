import AsyncHTTPClient
import Foundation

/// Announces a run's end: for a failed run the job's `on_failure`, for a successful one its
/// `on_success`. Each POSTs a JSON summary to its webhook and/or runs its command with
/// `/bin/sh -c` and `TERUN_*` variables. Problems are returned, never thrown: a broken webhook
/// must not stop the scheduler.
public struct RunNotifier: Sendable {
  /// How long the webhook and the command may take.
  public var timeout: TimeInterval

  public init(timeout: TimeInterval = 30) { self.timeout = timeout }

  /// The JSON summary the webhook receives.
  public struct Summary: Codable, Sendable, Equatable {
    public var job: String
    public var runbook: String
    public var status: String
    public var exitCode: Int32?
    public var trigger: String
    public var scheduledFor: String?
    public var start: String
    public var end: String?
    public var logPath: String?
    public var planSummary: String?
    public var detail: String?
    public var host: String
    public var attempt: Int
  }

  /// The summary of `record` for `job`.
  public static func summary(job: ScheduleJob, record: RunRecord) -> Summary {
    Summary(
      job: job.name, runbook: job.runbook, status: record.status.rawValue, exitCode: record.exitCode,
      trigger: record.trigger.rawValue, scheduledFor: record.scheduledFor.map(Timestamps.iso),
      start: Timestamps.iso(record.start), end: record.end.map(Timestamps.iso), logPath: record.logPath,
      planSummary: record.planSummary, detail: record.detail, host: ProcessInfo.processInfo.hostName,
      attempt: record.attempt)
  }

  /// The variables the failure command sees.
  public static func environment(job: ScheduleJob, record: RunRecord) -> [String: String] {
    var variables: [String: String] = [
      "TERUN_JOB": job.name,
      "TERUN_RUNBOOK": job.runbook,
      "TERUN_STATUS": record.status.rawValue,
      "TERUN_TRIGGER": record.trigger.rawValue,
      "TERUN_START": Timestamps.iso(record.start),
      "TERUN_ATTEMPT": String(record.attempt),
    ]
    if let code = record.exitCode { variables["TERUN_EXIT_CODE"] = String(code) }
    if let end = record.end { variables["TERUN_END"] = Timestamps.iso(end) }
    if let log = record.logPath { variables["TERUN_LOG"] = log }
    if let detail = record.detail { variables["TERUN_DETAIL"] = detail }
    if let plan = record.planSummary { variables["TERUN_PLAN"] = plan }
    return variables
  }

  /// The notification `job` asks for about `record`, and its field name: `on_failure` for a
  /// failure, `on_success` for a successful run, none for a skipped one.
  public static func notification(job: ScheduleJob, record: RunRecord) -> (String, RunNotification)? {
    if record.isFailure, let notification = job.onFailure { return ("on_failure", notification) }
    if record.status == .ok, let notification = job.onSuccess { return ("on_success", notification) }
    return nil
  }

  /// Sends every notification `job` asks for about `record`; returns one message per problem.
  public func notify(job: ScheduleJob, record: RunRecord, workingDirectory: String) async -> [String] {
    guard let (field, notification) = Self.notification(job: job, record: record) else { return [] }
    var problems: [String] = []
    if let url = notification.webhook {
      if let problem = await post(Self.summary(job: job, record: record), to: url) {
        problems.append(problem)
      }
    }
    if let command = notification.command {
      if let problem = await run(
        command, field: field, job: job, record: record, workingDirectory: workingDirectory)
      {
        problems.append(problem)
      }
    }
    return problems
  }

  private func post(_ summary: Summary, to url: URL) async -> String? {
    do {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      var request = HTTPClientRequest(url: url.absoluteString)
      request.method = .POST
      request.headers.add(name: "Content-Type", value: "application/json")
      request.headers.add(name: "User-Agent", value: "terun-scheduler")
      request.body = .bytes(try encoder.encode(summary))
      let response = try await HTTPClient.shared.execute(
        request, timeout: .milliseconds(Int64(timeout * 1000)))
      _ = try? await response.body.collect(upTo: 64 * 1024)
      guard (200..<300).contains(Int(response.status.code)) else {
        return "webhook \(Self.redacted(url)) answered \(response.status.code)"
      }
      return nil
    } catch {
      return "webhook \(Self.redacted(url)) failed: \(error)"
    }
  }

  /// The URL without its query and user info, which may hold secrets.
  static func redacted(_ url: URL) -> String {
    guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "(webhook)" }
    components.query = nil
    components.user = nil
    components.password = nil
    return components.string ?? "(webhook)"
  }

  private func run(
    _ command: String, field: String, job: ScheduleJob, record: RunRecord, workingDirectory: String
  ) async -> String? {
    var environment = ProcessInfo.processInfo.environment
    environment.removeValue(forKey: "TE_TOKEN")
    for (key, value) in Self.environment(job: job, record: record) { environment[key] = value }
    let logPath = record.logPath.map { $0 + ".notify" } ?? "/dev/null"
    let child = ChildProcess(
      executable: "/bin/sh", arguments: ["-c", command], environment: environment,
      workingDirectory: workingDirectory, logPath: logPath)
    child.start(timeout: timeout)
    switch await child.wait() {
    case .exited(0): return nil
    case .exited(let code): return "\(field) command exited with \(code) (output in \(logPath))"
    case .signaled(let signal): return "\(field) command killed by signal \(signal)"
    case .timedOut, .interrupted:
      return "\(field) command took longer than \(Int(timeout))s and was stopped"
    case .launchFailed(let reason): return "\(field) command: \(reason)"
    }
  }
}
