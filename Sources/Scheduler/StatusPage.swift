import Foundation

/// What the status page shows of one job.
public struct JobStatus: Sendable {
  /// The job as scheduled now.
  public var job: ScheduleJob
  /// When it is next due.
  public var nextRun: Date?
  /// Whether an attempt is running now.
  public var isRunning: Bool
  /// Recent runs, newest first, each with its output files (paths relative to its folder).
  public var runs: [(record: RunRecord, files: [String])]

  public init(job: ScheduleJob, nextRun: Date?, isRunning: Bool, runs: [(record: RunRecord, files: [String])])
  {
    self.job = job
    self.nextRun = nextRun
    self.isRunning = isRunning
    self.runs = runs
  }
}

/// The daemon's status page: server-rendered HTML, no scripts and no external assets, one
/// column that fits a phone. Every value from the schedule or the history is escaped.
public enum StatusPage {
  /// The page for `jobs`. `allowTrigger` adds a "run now" form (token field) per job.
  public static func render(
    jobs: [JobStatus], schedulePath: String?, now: Date, allowTrigger: Bool, notice: String? = nil
  ) -> String {
    var html = """
      <!doctype html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <meta http-equiv="refresh" content="60">
      <title>terun schedule</title>
      <style>\(style)</style>
      </head>
      <body>
      <header><h1>terun schedule</h1>
      <p class="meta">\(escape(schedulePath ?? "")) &middot; \(jobs.count) job\(jobs.count == 1 ? "" : "s") &middot; as of \(escape(Timestamps.iso(now)))</p>
      </header>
      <main>

      """
    if let notice { html += "<p class=\"notice\">\(escape(notice))</p>\n" }
    for status in jobs { html += section(status, now: now, allowTrigger: allowTrigger) }
    html += """
      </main>
      <footer><a href="/metrics">metrics</a> &middot; <a href="/healthz">health</a></footer>
      </body>
      </html>

      """
    return html
  }

  static func section(_ status: JobStatus, now: Date, allowTrigger: Bool) -> String {
    let job = status.job
    let last = status.runs.first { $0.record.status != .running }?.record
    let outcome = status.isRunning ? "running" : (last?.status.rawValue ?? "never run")
    let outcomeClass = status.isRunning ? "running" : (last?.status.rawValue ?? "none")
    var html = """
      <section class="job" id="job-\(escape(job.name))">
      <h2>\(escape(job.name)) <span class="badge \(outcomeClass)">\(escape(outcome))</span></h2>
      <dl>
      <dt>runbook</dt><dd><code>\(escape(job.runbook))</code>\(parameters(job))</dd>
      <dt>cron</dt><dd><code>\(escape(job.cron.source))</code> \(escape(job.timeZoneName))</dd>
      <dt>next run</dt><dd>\(escape(status.nextRun.map { Timestamps.iso($0, in: job.timeZone) } ?? "none"))</dd>
      <dt>last run</dt><dd>\(escape(last.map(summary) ?? "none"))</dd>
      </dl>
      \(sparkline(status.runs.map(\.record)))

      """
    if allowTrigger {
      html += """
        <form method="post" action="/jobs/\(escape(job.name))/run" class="trigger">
        <label>token <input type="password" name="token" autocomplete="off" required></label>
        <button type="submit">Run now</button>
        </form>

        """
    }
    let shown = status.runs.prefix(10)
    if !shown.isEmpty {
      html +=
        "<table><thead><tr><th>start</th><th>outcome</th><th>took</th><th>files</th></tr></thead><tbody>\n"
      for (record, files) in shown {
        let id = record.id.map(String.init) ?? ""
        var links: [String] = []
        if record.prunedAt != nil {
          links.append("<span class=\"dim\">pruned</span>")
        } else {
          if record.logPath != nil, !id.isEmpty { links.append("<a href=\"/runs/\(id)/log\">log</a>") }
          for file in files.prefix(20) {
            let query = file.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? ""
            links.append("<a href=\"/runs/\(id)/file?path=\(escape(query))\">\(escape(file))</a>")
          }
        }
        let attempt = record.attempt > 1 ? " <span class=\"dim\">(try \(record.attempt))</span>" : ""
        html += """
          <tr><td>\(escape(Timestamps.iso(record.start, in: job.timeZone)))</td>\
          <td><span class="badge \(record.status.rawValue)">\(record.status.rawValue)</span>\(attempt)</td>\
          <td>\(escape(record.duration.map(seconds) ?? "-"))</td><td>\(links.joined(separator: " "))</td></tr>

          """
      }
      html += "</tbody></table>\n"
    }
    return html + "</section>\n"
  }

  /// An inline SVG line of the recent runs' durations, oldest first; empty with fewer than two.
  static func sparkline(_ runs: [RunRecord]) -> String {
    let points = runs.filter { $0.status != .skipped && $0.status != .running }.prefix(30)
      .compactMap { record in record.duration.map { (record.status, $0) } }.reversed()
    guard points.count >= 2 else { return "" }
    let width = 160.0
    let height = 32.0
    let longest = max(points.map(\.1).max() ?? 1, 0.001)
    let step = width / Double(points.count - 1)
    var coordinates: [String] = []
    var dots = ""
    for (index, (status, duration)) in points.enumerated() {
      let x = Double(index) * step
      let y = height - 2 - (duration / longest) * (height - 4)
      coordinates.append(String(format: "%.1f,%.1f", x, y))
      dots += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" class=\"%@\"/>", x, y, status.rawValue)
    }
    let label = "durations of the last \(points.count) runs, longest \(seconds(longest))"
    return """
      <svg class="spark" viewBox="-3 -3 \(Int(width) + 6) \(Int(height) + 6)" width="\(Int(width) + 6)" height="\(Int(height) + 6)" role="img" aria-label="\(escape(label))"><title>\(escape(label))</title><polyline fill="none" stroke="#555" stroke-width="1.5" points="\(coordinates.joined(separator: " "))"/>\(dots)</svg>
      """
  }

  static func parameters(_ job: ScheduleJob) -> String {
    guard !job.parameters.isEmpty else { return "" }
    return " " + job.parameters.map { "<code>\(escape($0.argument))</code>" }.joined(separator: " ")
  }

  static func summary(_ record: RunRecord) -> String {
    var text = "\(record.status.rawValue) at \(Timestamps.iso(record.start))"
    if let duration = record.duration { text += " in \(seconds(duration))" }
    if let code = record.exitCode { text += ", exit \(code)" }
    return text
  }

  static func seconds(_ value: TimeInterval) -> String {
    value < 10 ? String(format: "%.2fs", value) : String(format: "%.1fs", value)
  }

  /// `text` safe in HTML text and in quoted attribute values.
  public static func escape(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&#39;"
      default:
        if ControlCharacters.isControl(scalar) && scalar != "\n" {
          result += "&#\(scalar.value);"
        } else {
          result.unicodeScalars.append(scalar)
        }
      }
    }
    return result
  }

  static let style = """
    body{font:15px/1.4 system-ui,sans-serif;margin:0;padding:0 12px 24px;color:#222;background:#fafafa}\
    header h1{font-size:1.4em;margin:12px 0 0}.meta,.dim{color:#666;font-size:.9em}\
    main{max-width:960px}.job{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 12px;margin:12px 0}\
    h2{font-size:1.15em;margin:4px 0;overflow-wrap:anywhere}dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:6px 0}\
    dt{color:#666}dd{margin:0;overflow-wrap:anywhere}code{font-size:.95em}\
    table{border-collapse:collapse;width:100%;font-size:.9em;margin-top:6px}td,th{text-align:left;padding:3px 6px;border-top:1px solid #eee;overflow-wrap:anywhere}th{white-space:nowrap}\
    .badge{display:inline-block;padding:0 6px;border-radius:8px;font-size:.85em;color:#fff;background:#888}\
    .badge.ok{background:#1a7f37}.badge.failed{background:#cf222e}.badge.timeout{background:#bc4c00}\
    .badge.interrupted{background:#8250df}.badge.running{background:#0969da}.badge.skipped,.badge.none{background:#6e7781}\
    circle.ok{fill:#1a7f37}circle.failed{fill:#cf222e}circle.timeout{fill:#bc4c00}circle.interrupted{fill:#8250df}\
    .spark{display:block;margin:4px 0}.notice{background:#fff8c5;border:1px solid #d4a72c;padding:6px;border-radius:6px}\
    .trigger{margin:6px 0}.trigger input{max-width:12em}\
    @media (max-width:600px){td:nth-child(3),th:nth-child(3){display:none}}
    """
}

extension CharacterSet {
  /// What may stay unescaped in a URL query value.
  static let urlQueryValueAllowed: CharacterSet = {
    var set = CharacterSet.urlQueryAllowed
    set.remove(charactersIn: "&=+#?")
    return set
  }()
}
