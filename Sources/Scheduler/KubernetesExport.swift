import Foundation
import Yams

/// Kubernetes CronJob manifests (batch/v1), one document per job in one file.
///
/// The container runs `terun run RUNBOOK key=value ... --timeout T` from the image built by the
/// repository's Containerfile; `TE_TOKEN` comes from a Secret by `secretKeyRef`.
/// `concurrencyPolicy: Forbid` keeps a job from overlapping itself, `timeZone` carries the job's
/// zone, `activeDeadlineSeconds` its timeout (plus 30s, since terun stops the run itself first).
/// `catch_up: none` sets `startingDeadlineSeconds: 60`, so runs missed by more than a minute are
/// dropped. Failure notifications and the local run history do not apply here: use the
/// cluster's Job monitoring. A runbook given by path must exist at that path in the image.
enum KubernetesExport {
  static func manifest(for file: ScheduleFile, options: ExportOptions) throws -> ExportedFile {
    var documents: [String] = []
    for job in file.jobs {
      documents.append(try Yams.serialize(node: cronJob(job, options: options), sortKeys: false))
    }
    let header = "# terun CronJobs, exported from \(options.schedulePath)\n"
    return ExportedFile(
      name: "terun-cronjobs.yaml", contents: header + documents.map { "---\n" + $0 }.joined())
  }

  static func cronJob(_ job: ScheduleJob, options: ExportOptions) -> Node {
    let expression = CronExpression.macros[job.cron.source.lowercased()] ?? job.cron.source
    let arguments =
      ["run", job.runbook] + job.parameters.map(\.argument) + ["--timeout", job.timeout.spelling]
    let container = map([
      ("name", str("terun")),
      ("image", str(options.image)),
      ("args", .sequence(Node.Sequence(arguments.map(str)))),
      (
        "env",
        .sequence(
          Node.Sequence([
            map([
              ("name", str("TE_TOKEN")),
              (
                "valueFrom",
                map([
                  ("secretKeyRef", map([("name", str(options.secretName)), ("key", str(options.secretKey))]))
                ])
              ),
            ]),
            map([("name", str("TERUN_JOB")), ("value", str(job.name))]),
          ])
        )
      ),
    ])
    var spec: [(String, Node)] = [
      ("schedule", str(expression)),
      ("timeZone", str(job.timeZoneName)),
      ("concurrencyPolicy", str("Forbid")),
    ]
    if job.catchUp == .none { spec.append(("startingDeadlineSeconds", int(60))) }
    spec += [
      ("successfulJobsHistoryLimit", int(3)),
      ("failedJobsHistoryLimit", int(3)),
      (
        "jobTemplate",
        map([
          (
            "spec",
            map([
              ("backoffLimit", int(0)),
              ("activeDeadlineSeconds", int(job.timeout.wholeSecondsRoundedUp + 30)),
              (
                "template",
                map([
                  ("metadata", map([("labels", labels(job))])),
                  (
                    "spec",
                    map([
                      ("restartPolicy", str("Never")),
                      ("containers", .sequence(Node.Sequence([container]))),
                    ])
                  ),
                ])
              ),
            ])
          )
        ])
      ),
    ]
    return map([
      ("apiVersion", str("batch/v1")),
      ("kind", str("CronJob")),
      ("metadata", map([("name", str("terun-\(job.name)")), ("labels", labels(job))])),
      ("spec", map(spec)),
    ])
  }

  private static func labels(_ job: ScheduleJob) -> Node {
    map([("app.kubernetes.io/name", str("terun")), ("terun/job", str(job.name))])
  }

  private static func map(_ pairs: [(String, Node)]) -> Node {
    .mapping(Node.Mapping(pairs.map { (Node.scalar(Node.Scalar($0.0)), $0.1) }))
  }

  private static func str(_ text: String) -> Node {
    // Quote values YAML would otherwise read as numbers, booleans or null.
    let plain = Node.Scalar(text)
    let resolved = Resolver.default.resolveTag(of: Node.scalar(plain))
    let style: Node.Scalar.Style =
      resolved == .str && !text.isEmpty && !text.contains(": ") ? .plain : .doubleQuoted
    return .scalar(Node.Scalar(text, Tag(.implicit), style))
  }

  private static func int(_ value: Int64) -> Node { .scalar(Node.Scalar(String(value))) }
}
