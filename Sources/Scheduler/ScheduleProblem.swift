/// One thing wrong with a schedule file, located by job and field.
public struct ScheduleProblem: Sendable, Equatable, CustomStringConvertible {
  /// The job's name, or `jobs[N]` when it has none; nil for problems of the whole file.
  public var job: String?
  /// The field at fault (`cron`, `on_failure.webhook`), if one is.
  public var field: String?
  /// What is wrong.
  public var message: String

  public init(job: String?, field: String?, message: String) {
    self.job = job
    self.field = field
    self.message = message
  }

  /// The problem as one line; control characters in the job, field and message are shown
  /// escaped (`\u{A}`), so a hostile value cannot break or forge lines of the report.
  public var description: String {
    var prefix = ""
    if let job { prefix += "job \(job): " }
    if let field { prefix += "\(field): " }
    return ControlCharacters.escaped(prefix + message)
  }
}

/// A schedule file that cannot be used, with every problem found.
public struct ScheduleFileError: Error, CustomStringConvertible {
  /// The file, when loaded from one.
  public var path: String?
  /// Every problem, in file order.
  public var problems: [ScheduleProblem]

  public init(path: String?, problems: [ScheduleProblem]) {
    self.path = path
    self.problems = problems
  }

  public var description: String {
    let head = path.map { ControlCharacters.escaped($0) + ": " } ?? ""
    let noun = problems.count == 1 ? "problem" : "problems"
    return "\(head)\(problems.count) \(noun)\n" + problems.map { "  \($0)" }.joined(separator: "\n")
  }
}
