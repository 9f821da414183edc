import Foundation
import Scheduler
import Testing

/// A job's text with a control character in it must never reach a unit file, a crontab or a
/// manifest: `schedule validate` refuses it, naming job and field, and `export` refuses options
/// that carry one.
@Suite struct ControlCharacterTests {
  /// Control characters as YAML double-quoted escapes, with the name the problem shows.
  static let characters: [(yaml: String, name: String)] = [
    ("\\n", "U+000A"), ("\\r", "U+000D"), ("\\t", "U+0009"), ("\\0", "U+0000"), ("\\e", "U+001B"),
    ("\\x7F", "U+007F"), ("\\x85", "U+0085"), ("\\u2028", "U+2028"), ("\\x01", "U+0001"),
    ("\\x9B", "U+009B"),
  ]

  /// A valid job with `field: value` (a YAML fragment) replacing or adding a line.
  static func yaml(field: String, value: String) -> String {
    var lines: [String: String] = [
      "name": "\"nightly\"", "runbook": "\"hello\"", "cron": "\"0 2 * * *\"",
      "params": "{ name: \"ops\" }",
    ]
    lines[field] = value
    let body = lines.keys.sorted().map { "    \($0): \(lines[$0]!)" }.joined(separator: "\n")
    return "jobs:\n  - \n" + body + "\n"
  }

  static let fields:
    [(field: String, value: @Sendable (String) -> String, label: String, problemField: String)] = [
      ("name", { "\"night\($0)ly\"" }, "jobs[0]", "name"),
      ("runbook", { "\"hello\($0)ExecStartPre=/bin/sh\"" }, "nightly", "runbook"),
      ("runbook", { "\"./evil\($0).lua\"" }, "nightly", "runbook"),
      ("params", { "{ name: \"ops\($0)x\" }" }, "nightly", "params.name"),
      ("params", { "{ \"na\($0)me\": \"ops\" }" }, "nightly", "params"),
      ("params", { "{ names: [\"a\", \"b\($0)\"] }" }, "nightly", "params.names"),
      ("cron", { "\"0 2 * * *\($0)\"" }, "nightly", "cron"),
      ("timezone", { "\"Europe/Berlin\($0)\"" }, "nightly", "timezone"),
      ("timeout", { "\"10m\($0)\"" }, "nightly", "timeout"),
      ("overlap", { "\"skip\($0)\"" }, "nightly", "overlap"),
      ("out_dir", { "\"/srv/out\($0)put\"" }, "nightly", "out_dir"),
      ("max_memory", { "\"64MB\($0)\"" }, "nightly", "max_memory"),
      ("on_failure", { "{ command: \"logger\($0)x\" }" }, "nightly", "on_failure.command"),
      ("on_success", { "{ webhook: \"https://h.example/\($0)x\" }" }, "nightly", "on_success.webhook"),
    ]

  @Test(arguments: 0..<14)
  func validateRefusesControlCharactersNamingJobAndField(_ index: Int) throws {
    let (field, value, label, problemField) = Self.fields[index]
    for (character, name) in Self.characters {
      let text = Self.yaml(field: field, value: value(character))
      let error = try #require(throws: ScheduleFileError.self, "\(field) with \(name)") {
        try ScheduleFile.parse(text, directory: "/tmp")
      }
      let expected = "job \(label): \(problemField): contains the control character \(name)"
      #expect(
        error.problems.contains { $0.description.hasPrefix(expected) }, "\(field) \(name): \(error.problems)")
      // The report itself shows the character escaped, never raw: one line per problem.
      let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false)
      #expect(lines.count == error.problems.count + 1, "\(error.description)")
      for line in lines {
        #expect(!line.unicodeScalars.contains(where: ControlCharacters.isControl), "\(line)")
      }
    }
  }

  @Test func problemsShowForeignTextEscaped() {
    let problem = ScheduleProblem(job: "a\nb", field: "x\u{1B}[31m", message: "bad\r\u{0}")
    #expect(problem.description == "job a\\u{A}b: x\\u{1B}[31m: bad\\u{D}\\u{0}")
  }

  @Test func exportRefusesOptionsWithControlCharacters() throws {
    let file = try ScheduleFile.parse(
      "jobs: [{name: nightly, runbook: hello, cron: '@daily'}]", directory: "/etc/terun")
    let setters: [(String, (inout ExportOptions, String) -> Void)] = [
      ("--schedule-path", { $0.schedulePath = $1 }), ("--terun-path", { $0.terunPath = $1 }),
      ("--state-dir", { $0.stateDirectory = $1 }), ("--env-file", { $0.environmentFile = $1 }),
      ("--token-file", { $0.tokenFile = $1 }), ("--image", { $0.image = $1 }),
      ("--secret", { $0.secretName = $1 }), ("--pvc", { $0.persistentVolumeClaim = $1 }),
      ("--user", { $0.user = $1 }),
    ]
    for (flag, set) in setters {
      for character in ["\n", "\r", "\u{0}", "\u{7F}", "\u{85}", "\u{2029}"] {
        for target in ExportTarget.allCases {
          var options = ExportOptions(schedulePath: "/etc/terun/schedule.yaml", terunVersion: "1.0.0")
          set(&options, "/var/lib/terun\(character)ExecStartPre=/bin/evil")
          let error = try #require(throws: ExportError.self, "\(flag) \(target)") {
            try ScheduleExporter.export(file, to: target, options: options)
          }
          #expect(error.message.hasPrefix("\(flag) '"), "\(error.message)")
          #expect(error.message.contains("contains the control character"))
          #expect(ControlCharacters.first(in: error.message) == nil)
        }
      }
    }
  }

  @Test func exportRefusesJobsBuiltInCodeWithControlCharacters() throws {
    var file = try ScheduleFile.parse(
      "jobs: [{name: nightly, runbook: hello, cron: '@daily'}]", directory: "/etc/terun")
    file.jobs[0].runbook = "hello\nExecStartPre=/bin/sh -c 'curl evil'"
    for target in ExportTarget.allCases {
      let options = ExportOptions(schedulePath: "/etc/terun/schedule.yaml", terunVersion: "1.0.0")
      let error = try #require(throws: ExportError.self) {
        try ScheduleExporter.export(file, to: target, options: options)
      }
      #expect(error.message == "job nightly: runbook: contains the control character U+000A")
    }
  }
}
