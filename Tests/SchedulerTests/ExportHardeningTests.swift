import Foundation
import Scheduler
import Testing
import Yams

/// The deployable exports: pinned and locked-down Kubernetes pods with outputs on a volume,
/// hardened systemd units, and per-job warnings for what a target cannot express.
@Suite struct ExportHardeningTests {
  static let yaml = """
    jobs:
      - name: nightly
        runbook: export_latency
        params: { test_id: 123456 }
        cron: "0 2 * * *"
        timezone: America/New_York
        timeout: 10m
        max_memory: 256MiB
        retries: 2
        retry_delay: 1m
        on_failure: { webhook: "https://hooks.example.com/terun" }
        on_success: { command: "logger ok" }
        keep: 5
        overlap: queue
        out_dir: /srv/terun/nightly
      - name: plain
        runbook: hello
        params: { name: ops }
        cron: "@hourly"
    """

  static func options() -> ExportOptions {
    var options = ExportOptions(schedulePath: "/etc/terun/schedule.yaml", terunVersion: "0.1.0")
    options.machineTimeZone = "UTC"
    return options
  }

  static func export(_ target: ExportTarget, _ options: ExportOptions = options()) throws -> ExportResult {
    try ScheduleExporter.export(
      try ScheduleFile.parse(yaml, directory: "/etc/terun"), to: target, options: options)
  }

  private func podSpec(_ document: Any) throws -> (job: [String: Any], pod: [String: Any]) {
    let root = try #require(document as? [String: Any])
    let spec = try #require(root["spec"] as? [String: Any])
    let job = try #require((spec["jobTemplate"] as? [String: Any])?["spec"] as? [String: Any])
    let pod = try #require((job["template"] as? [String: Any])?["spec"] as? [String: Any])
    return (job, pod)
  }

  @Test func kubernetesPodsArePinnedLockedDownAndKeepTheirOutputs() throws {
    var options = Self.options()
    options.persistentVolumeClaim = "terun-outputs"
    let result = try Self.export(.kubernetes, options)
    let documents = Array(try Yams.load_all(yaml: result.files[0].contents))
    let (job, pod) = try podSpec(documents[0])
    let container = try #require((pod["containers"] as? [[String: Any]])?.first)
    #expect(container["image"] as? String == "terun:0.1.0")
    #expect(
      container["args"] as? [String] == [
        "run", "export_latency", "test_id=123456", "--timeout", "10m", "--max-memory", "256MiB", "--out-dir",
        "/out", "--token-file", "/var/run/secrets/terun/token",
      ])
    // No token in the environment; it is a Secret file.
    let env = try #require(container["env"] as? [[String: Any]])
    #expect(!env.contains { ($0["name"] as? String)?.contains("TOKEN") == true || $0["valueFrom"] != nil })
    let volumes = try #require(pod["volumes"] as? [[String: Any]])
    let token = try #require(volumes.first { $0["name"] as? String == "token" })
    let secret = try #require(token["secret"] as? [String: Any])
    #expect(secret["secretName"] as? String == "terun-token")
    #expect(secret["defaultMode"] as? Int == 0o440)
    let out = try #require(volumes.first { $0["name"] as? String == "out" })
    #expect((out["persistentVolumeClaim"] as? [String: Any])?["claimName"] as? String == "terun-outputs")
    let mounts = try #require(container["volumeMounts"] as? [[String: Any]])
    #expect(mounts.contains { $0["name"] as? String == "out" && $0["mountPath"] as? String == "/out" })
    #expect(mounts.contains { $0["name"] as? String == "token" && $0["readOnly"] as? Bool == true })

    let security = try #require(container["securityContext"] as? [String: Any])
    #expect(security["runAsNonRoot"] as? Bool == true)
    #expect(security["runAsUser"] as? Int == 10001)
    #expect(security["readOnlyRootFilesystem"] as? Bool == true)
    #expect(security["allowPrivilegeEscalation"] as? Bool == false)
    #expect((security["capabilities"] as? [String: Any])?["drop"] as? [String] == ["ALL"])
    #expect((security["seccompProfile"] as? [String: Any])?["type"] as? String == "RuntimeDefault")
    let podSecurity = try #require(pod["securityContext"] as? [String: Any])
    #expect(podSecurity["runAsNonRoot"] as? Bool == true)
    #expect(podSecurity["fsGroup"] as? Int == 10001)
    #expect(pod["automountServiceAccountToken"] as? Bool == false)

    // 256MiB for Lua plus the fixed overhead, as both request and limit.
    let resources = try #require(container["resources"] as? [String: Any])
    #expect((resources["limits"] as? [String: Any])?["memory"] as? String == "384Mi")
    #expect((resources["requests"] as? [String: Any])?["memory"] as? String == "384Mi")
    // A job without max_memory gets terun's default of 1GiB plus the overhead.
    let (_, plainPod) = try podSpec(documents[1])
    let plain = try #require((plainPod["containers"] as? [[String: Any]])?.first)
    #expect(
      ((plain["resources"] as? [String: Any])?["limits"] as? [String: Any])?["memory"] as? String == "1152Mi")

    // retries: 2 -> two retries, only for exit 1 and 3.
    #expect(job["backoffLimit"] as? Int == 2)
    let rules = ((job["podFailurePolicy"] as? [String: Any])?["rules"] as? [[String: Any]]) ?? []
    let codes = rules.first?["onExitCodes"] as? [String: Any]
    #expect(rules.first?["action"] as? String == "FailJob")
    #expect(codes?["operator"] as? String == "NotIn")
    #expect(codes?["values"] as? [Int] == [1, 3])
    #expect(job["activeDeadlineSeconds"] as? Int == 3 * 630 + 10 + 20)

    // What the CronJob cannot express, per job; nothing about the volume, which is given.
    let warnings = result.warnings.map(\.description)
    #expect(warnings.contains { $0.hasPrefix("job nightly: on_failure: not exported") })
    #expect(warnings.contains { $0.hasPrefix("job nightly: on_success: not exported") })
    #expect(warnings.contains { $0.hasPrefix("job nightly: overlap: queue cannot be expressed") })
    #expect(warnings.contains { $0.hasPrefix("job nightly: retry_delay: not exported") })
    #expect(warnings.contains { $0.hasPrefix("job nightly: keep: not exported") })
    #expect(!warnings.contains { $0.contains("emptyDir") })
    #expect(
      warnings.contains(
        "job nightly: out_dir: /srv/terun/nightly is not used: in the pod, runs write to the claim mounted at /out"
      ))
    #expect(!warnings.contains { $0.hasPrefix("job plain:") })
  }

  @Test func kubernetesWithoutAClaimUsesAnEmptyDirAndSaysSo() throws {
    let result = try Self.export(.kubernetes)
    let (_, pod) = try podSpec(Array(try Yams.load_all(yaml: result.files[0].contents))[1])
    let out = try #require((pod["volumes"] as? [[String: Any]])?.first { $0["name"] as? String == "out" })
    #expect(out["emptyDir"] != nil)
    #expect(
      result.warnings.map(\.description).contains(
        "job plain: out_dir: outputs go to an emptyDir and are lost when the pod ends: give --pvc NAME to keep them on a PersistentVolumeClaim"
      ))
  }

  @Test func kubernetesRefusesAnUnpinnedImage() throws {
    for image in [
      "terun:latest", "terun", "registry.example.com:5000/terun", "registry.example.com/ops/terun:latest",
    ] {
      var options = Self.options()
      options.image = image
      let error = try #require(throws: ExportError.self, "\(image)") { try Self.export(.kubernetes, options) }
      #expect(
        error.message
          == "--image \(image) is not pinned: name a version tag (terun:1.2.0) or a digest, never :latest")
    }
    for image in ["registry.example.com:5000/terun:1.0", "terun@sha256:0123abcd"] {
      var options = Self.options()
      options.image = image
      #expect(throws: Never.self) { try Self.export(.kubernetes, options) }
    }
  }

  @Test func systemdUnitsAreHardenedAndTakeTheTokenAsACredential() throws {
    let result = try Self.export(.systemd)
    let service = try #require(result.files.first { $0.name == "terun-nightly.service" }).contents
    for line in [
      "DynamicUser=yes", "StateDirectory=terun", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
      "NoNewPrivileges=yes", "ReadWritePaths=/srv/terun/nightly", "LoadCredential=te-token:/etc/terun/token",
      "CapabilityBoundingSet=", "MemoryMax=384M",
    ] {
      #expect(service.contains("\n\(line)\n"), "\(line)")
    }
    #expect(!service.contains("EnvironmentFile"))
    // Three attempts of 10m + 30s, and waits of 60s and 120s.
    #expect(service.contains("\nTimeoutStartSec=2070\n"))
    let plain = try #require(result.files.first { $0.name == "terun-plain.service" }).contents
    #expect(!plain.contains("ReadWritePaths="), "only a job's out_dir is writable")
    #expect(
      result.warnings.map(\.description).contains { $0.hasPrefix("job nightly: overlap: queue cannot") })

    var options = Self.options()
    options.user = "terun"
    let withUser = try Self.export(.systemd, options)
    let userService = try #require(withUser.files.first { $0.name == "terun-nightly.service" }).contents
    #expect(userService.contains("\nUser=terun\n") && !userService.contains("DynamicUser"))

    options.stateDirectory = "/srv/state"
    let error = try #require(throws: ExportError.self) { try Self.export(.systemd, options) }
    #expect(error.message.hasPrefix("--state-dir /srv/state: systemd keeps a service's state under /var/lib"))
  }

  @Test func cronWarnsPerJobThatDebianIgnoresCronTZ() throws {
    let result = try Self.export(.cron)
    let warnings = result.warnings.map(\.description)
    #expect(
      warnings.contains(
        "job nightly: timezone: Debian's cron ignores CRON_TZ: there this job runs at '0 2 * * *' in the machine's zone (UTC), not America/New_York; cronie and busybox crond honour it"
      ))
    #expect(!warnings.contains { $0.hasPrefix("job plain: timezone") }, "UTC is the machine's zone")
    var options = Self.options()
    options.machineTimeZone = "America/New_York"
    let local = try Self.export(.cron, options).warnings.map(\.description)
    #expect(!local.contains { $0.hasPrefix("job nightly: timezone") })
    #expect(local.contains { $0.hasPrefix("job plain: timezone: Debian's cron ignores CRON_TZ") })
  }
}
