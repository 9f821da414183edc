import Foundation
import Yams

/// Kubernetes CronJob manifests (batch/v1), one document per job in one file.
///
/// - The container runs `terun run RUNBOOK key=value ... --timeout T --max-memory M
///   --out-dir /out --token-file ...` from a pinned image (`terun:<version>` by default, never
///   `:latest`) built by the repository's Containerfile.
/// - `/out` is the `--pvc` PersistentVolumeClaim, so outputs survive the pod; without one it is
///   an emptyDir, lost with the pod, and the export warns.
/// - The pod is locked down: non-root with a fixed UID, read-only root filesystem (a small
///   emptyDir on `/tmp`), no privilege escalation, every capability dropped, seccomp
///   `RuntimeDefault`, no service-account token.
/// - Memory requests and limits are the job's `max_memory` (terun's default 1GiB when unset)
///   plus `ScheduleExporter.memoryOverheadMiB`.
/// - The token is a Secret mounted as a file, read with `--token-file`, never an env var.
/// - `concurrencyPolicy: Forbid` keeps a job from overlapping itself, `timeZone` carries the
///   job's zone, `activeDeadlineSeconds` every attempt's timeout (plus 30s each).
///   `catch_up: none` sets `startingDeadlineSeconds: 60`. `retries` becomes `backoffLimit`,
///   with a `podFailurePolicy` that fails the Job at once on any exit code but 1 and 3.
/// - What a CronJob cannot express (notifications, `overlap: queue`, `retry_delay`,
///   retention, runbooks by path) is reported per job.
enum KubernetesExport {
  /// The UID and GID the container runs as (the Containerfile's `terun` user).
  static let userID: Int64 = 10001
  /// Where the output volume and the token are mounted.
  static let outputMount = "/out"
  static let tokenMount = "/var/run/secrets/terun"
  /// terun's default `--max-memory`, in MiB, for jobs that set none.
  static let defaultMemoryMiB = 1024

  static func export(_ file: ScheduleFile, options: ExportOptions) throws -> ExportResult {
    try checkPinned(options.image)
    var documents: [String] = []
    var warnings: [ScheduleProblem] = []
    for job in file.jobs {
      documents.append(try Yams.serialize(node: cronJob(job, options: options), sortKeys: false))
      warnings += self.warnings(for: job, options: options)
    }
    let header = "# terun CronJobs, exported from \(options.schedulePath)\n"
    let manifest = ExportedFile(
      name: "terun-cronjobs.yaml", contents: header + documents.map { "---\n" + $0 }.joined())
    return ExportResult(files: [manifest], warnings: warnings)
  }

  /// Refuses an image without a tag or digest, or tagged `latest`.
  static func checkPinned(_ image: String) throws {
    let last = image.split(separator: "/").last.map(String.init) ?? image
    if image.contains("@sha256:") { return }
    guard let colon = last.lastIndex(of: ":"), last[last.index(after: colon)...] != "",
      last[last.index(after: colon)...] != "latest"
    else {
      throw ExportError(
        "--image \(image) is not pinned: name a version tag (terun:1.2.0) or a digest, never :latest")
    }
  }

  static func warnings(for job: ScheduleJob, options: ExportOptions) -> [ScheduleProblem] {
    var warnings: [ScheduleProblem] = []
    func warn(_ field: String, _ message: String) {
      warnings.append(ScheduleExporter.warning(job, field, message))
    }
    if options.persistentVolumeClaim == nil {
      warn(
        "out_dir",
        "outputs go to an emptyDir and are lost when the pod ends: give --pvc NAME to keep them on a PersistentVolumeClaim"
      )
    } else if let outDirectory = job.outDirectory {
      warn(
        "out_dir",
        "\(outDirectory) is not used: in the pod, runs write to the claim mounted at \(outputMount)")
    }
    if job.onFailure != nil {
      warn(
        "on_failure", "not exported: a CronJob cannot notify; alert on failed Jobs instead (kube_job_failed)")
    }
    if job.onSuccess != nil {
      warn("on_success", "not exported: a CronJob cannot notify; watch the Jobs' completions instead")
    }
    if job.overlap == .queue {
      warn("overlap", "queue cannot be expressed: concurrencyPolicy: Forbid skips a start while the job runs")
    }
    if job.retries > 0 {
      warn(
        "retry_delay",
        "not exported: Kubernetes retries a failed pod after its own back-off (10s, doubling, at most 6m)")
    }
    if job.keep != nil || job.keepFor != nil {
      warn(
        job.keep != nil ? "keep" : "keep_for",
        "not exported: the CronJob keeps its last 3 successful and 3 failed Jobs, and files on the volume are never pruned"
      )
    }
    if job.runbook.contains("/") || job.runbook.hasSuffix(".lua") {
      warn(
        "runbook",
        "\(job.runbook) must exist at that path in the image (relative to /work); the export does not copy it"
      )
    }
    return warnings
  }

  static func cronJob(_ job: ScheduleJob, options: ExportOptions) -> Node {
    let expression = CronExpression.macros[job.cron.source.lowercased()] ?? job.cron.source
    let memoryMiB =
      (job.maxMemory.map { ($0.bytes + (1 << 20) - 1) >> 20 } ?? defaultMemoryMiB)
      + ScheduleExporter.memoryOverheadMiB
    var arguments = ["run", job.runbook] + job.parameters.map(\.argument)
    arguments += ["--timeout", job.timeout.spelling]
    if let maxMemory = job.maxMemory { arguments += ["--max-memory", maxMemory.spelling] }
    arguments += ["--out-dir", outputMount, "--token-file", "\(tokenMount)/token"]
    let container = map([
      ("name", str("terun")),
      ("image", str(options.image)),
      ("args", .sequence(Node.Sequence(arguments.map(str)))),
      (
        "env",
        .sequence(
          Node.Sequence([
            map([("name", str("TERUN_JOB")), ("value", str(job.name))]),
            map([("name", str("HOME")), ("value", str("/tmp"))]),
          ]))
      ),
      (
        "resources",
        map([
          ("requests", map([("memory", str("\(memoryMiB)Mi")), ("cpu", str("100m"))])),
          ("limits", map([("memory", str("\(memoryMiB)Mi")), ("cpu", str("1"))])),
        ])
      ),
      (
        "securityContext",
        map([
          ("runAsNonRoot", bool(true)),
          ("runAsUser", int(userID)),
          ("runAsGroup", int(userID)),
          ("readOnlyRootFilesystem", bool(true)),
          ("allowPrivilegeEscalation", bool(false)),
          ("privileged", bool(false)),
          ("capabilities", map([("drop", .sequence(Node.Sequence([str("ALL")])))])),
          ("seccompProfile", map([("type", str("RuntimeDefault"))])),
        ])
      ),
      (
        "volumeMounts",
        .sequence(
          Node.Sequence([
            map([("name", str("out")), ("mountPath", str(outputMount))]),
            map([("name", str("token")), ("mountPath", str(tokenMount)), ("readOnly", bool(true))]),
            map([("name", str("tmp")), ("mountPath", str("/tmp"))]),
          ]))
      ),
    ])
    let outVolume: Node =
      options.persistentVolumeClaim.map { claim in
        map([("name", str("out")), ("persistentVolumeClaim", map([("claimName", str(claim))]))])
      } ?? map([("name", str("out")), ("emptyDir", map([]))])
    let volumes = Node.sequence(
      Node.Sequence([
        outVolume,
        map([
          ("name", str("token")),
          (
            "secret",
            map([
              ("secretName", str(options.secretName)),
              (
                "items",
                .sequence(Node.Sequence([map([("key", str(options.secretKey)), ("path", str("token"))])]))
              ),
              ("defaultMode", int(0o440)),
            ])
          ),
        ]),
        map([("name", str("tmp")), ("emptyDir", map([("sizeLimit", str("64Mi"))]))]),
      ]))
    var attempts = Int64(job.retries + 1) * (job.timeout.wholeSecondsRoundedUp + 30)
    for retry in stride(from: 0, to: job.retries, by: 1) { attempts += min(10 << retry, 360) }
    var jobSpec: [(String, Node)] = [
      ("backoffLimit", int(Int64(job.retries))),
      ("activeDeadlineSeconds", int(attempts)),
    ]
    if job.retries > 0 {
      jobSpec.append(
        (
          "podFailurePolicy",
          map([
            (
              "rules",
              .sequence(
                Node.Sequence([
                  map([
                    ("action", str("FailJob")),
                    (
                      "onExitCodes",
                      map([
                        ("containerName", str("terun")),
                        ("operator", str("NotIn")),
                        ("values", .sequence(Node.Sequence([int(1), int(3)]))),
                      ])
                    ),
                  ])
                ]))
            )
          ])
        ))
    }
    jobSpec.append(
      (
        "template",
        map([
          ("metadata", map([("labels", labels(job))])),
          (
            "spec",
            map([
              ("restartPolicy", str("Never")),
              ("automountServiceAccountToken", bool(false)),
              (
                "securityContext",
                map([
                  ("runAsNonRoot", bool(true)),
                  ("runAsUser", int(userID)),
                  ("runAsGroup", int(userID)),
                  ("fsGroup", int(userID)),
                  ("seccompProfile", map([("type", str("RuntimeDefault"))])),
                ])
              ),
              ("containers", .sequence(Node.Sequence([container]))),
              ("volumes", volumes),
            ])
          ),
        ])
      ))
    var spec: [(String, Node)] = [
      ("schedule", str(expression)),
      ("timeZone", str(job.timeZoneName)),
      ("concurrencyPolicy", str("Forbid")),
    ]
    if job.catchUp == .none { spec.append(("startingDeadlineSeconds", int(60))) }
    spec += [
      ("successfulJobsHistoryLimit", int(3)),
      ("failedJobsHistoryLimit", int(3)),
      ("jobTemplate", map([("spec", map(jobSpec))])),
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

  private static func bool(_ value: Bool) -> Node { .scalar(Node.Scalar(value ? "true" : "false")) }
}
