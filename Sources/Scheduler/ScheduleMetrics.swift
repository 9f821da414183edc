import Foundation
import Prometheus

/// The daemon's Prometheus metrics, kept in a swift-prometheus registry and served on
/// `/metrics`. Every series is labelled with the job's name:
///
/// - `terun_schedule_runs_total{job,outcome}`: finished runs (each attempt) by outcome: `ok`,
///   `failed`, `timeout`, `skipped`, `interrupted`;
/// - `terun_schedule_retries_total{job}`: retries started;
/// - `terun_schedule_last_run_duration_seconds{job}`: how long the last finished run took;
/// - `terun_schedule_last_success_timestamp_seconds{job}`: when the last successful run ended
///   (Unix time);
/// - `terun_schedule_next_run_timestamp_seconds{job}`: when the job is next due (Unix time).
///
/// Counters start at zero with the daemon, as Prometheus expects; the two "last" gauges start
/// from the run history, so a restart does not blank them.
public final class ScheduleMetrics: @unchecked Sendable {
  /// The registry `/metrics` emits.
  public let registry = PrometheusCollectorRegistry()

  /// The outcomes `terun_schedule_runs_total` counts.
  public static let outcomes: [RunStatus] = [.ok, .failed, .timeout, .skipped, .interrupted]

  private struct JobSeries {
    var runs: [RunStatus: Counter]
    var retries: Counter
    var lastDuration: Gauge
    var lastSuccess: Gauge
    var nextRun: Gauge
  }

  private let lock = NSLock()
  private var series: [String: JobSeries] = [:]

  public init() {}

  /// Makes the series of `jobs` (starting the "last" gauges from `history`) and drops those of
  /// jobs no longer in the schedule.
  public func track(_ jobs: [String], history: HistoryStore) {
    lock.withLock {
      for (name, gone) in series where !jobs.contains(name) {
        for counter in gone.runs.values { registry.unregisterCounter(counter) }
        registry.unregisterCounter(gone.retries)
        registry.unregisterGauge(gone.lastDuration)
        registry.unregisterGauge(gone.lastSuccess)
        registry.unregisterGauge(gone.nextRun)
        series.removeValue(forKey: name)
      }
      for name in jobs where series[name] == nil {
        series[name] = makeSeries(name)
        let recent = (try? history.runs(job: name, limit: 200)) ?? []
        if let last = recent.first(where: { $0.status != .running && $0.status != .skipped }),
          let duration = last.duration
        {
          series[name]?.lastDuration.set(duration)
        }
        if let success = recent.first(where: { $0.status == .ok }), let end = success.end {
          series[name]?.lastSuccess.set(end.timeIntervalSince1970)
        }
      }
    }
  }

  /// Counts a finished run (or attempt) of `job`.
  public func finished(job: String, status: RunStatus, duration: TimeInterval?, at date: Date) {
    lock.withLock {
      guard let job = series[job] else { return }
      job.runs[status]?.increment()
      if let duration, status != .skipped { job.lastDuration.set(duration) }
      if status == .ok { job.lastSuccess.set(date.timeIntervalSince1970) }
    }
  }

  /// Counts a retry of `job`.
  public func retried(job: String) {
    lock.withLock { series[job]?.retries.increment() }
  }

  /// Sets when `job` is next due.
  public func setNextRun(job: String, at date: Date) {
    lock.withLock { series[job]?.nextRun.set(date.timeIntervalSince1970) }
  }

  /// The Prometheus text exposition of every series.
  public func exposition() -> String { registry.emitToString() }

  private func makeSeries(_ name: String) -> JobSeries {
    let label = [("job", name)]
    var runs: [RunStatus: Counter] = [:]
    for outcome in Self.outcomes {
      runs[outcome] = registry.makeCounter(
        name: "terun_schedule_runs_total", labels: [("job", name), ("outcome", outcome.rawValue)],
        help: "Finished runs (each attempt counts) by outcome.")
    }
    return JobSeries(
      runs: runs,
      retries: registry.makeCounter(
        name: "terun_schedule_retries_total", labels: label, help: "Retries started after a failed attempt."),
      lastDuration: registry.makeGauge(
        name: "terun_schedule_last_run_duration_seconds", labels: label,
        help: "How long the last finished run took, in seconds."),
      lastSuccess: registry.makeGauge(
        name: "terun_schedule_last_success_timestamp_seconds", labels: label,
        help: "When the last successful run ended, as Unix time."),
      nextRun: registry.makeGauge(
        name: "terun_schedule_next_run_timestamp_seconds", labels: label,
        help: "When the job is next due, as Unix time."))
  }
}
