import Foundation
import Scheduler
import Testing
import Yams

@Suite struct ScheduleExporterTests {
  static let yaml = """
    jobs:
      - name: nightly-latency
        runbook: export_latency
        params: { test_id: 123456, window: 24h }
        cron: "0 2 * * *"
        timezone: America/New_York
        timeout: 30m
        overlap: skip
      - name: business-hours
        runbook: hello
        params: { name: "ops team" }
        cron: "*/15 9-17 1,15 * MON-FRI"
        timezone: Europe/Berlin
        timeout: 90s
        catch_up: none
      - name: weekly
        runbook: hello
        cron: "@weekly"
    """

  private func export(_ target: ExportTarget, terun: String = "/usr/local/bin/terun") throws -> [ExportedFile]
  {
    let file = try ScheduleFile.parse(Self.yaml, directory: "/etc/terun")
    var options = ExportOptions(schedulePath: "/etc/terun/schedule.yaml", terunVersion: "1.2.3")
    options.terunPath = terun
    options.machineTimeZone = "UTC"
    return try ScheduleExporter.export(file, to: target, options: options).files
  }

  @Test func systemdUnitsTranslateCronAndKeepTheTokenOut() throws {
    let files = try export(.systemd)
    #expect(
      files.map(\.name) == [
        "terun-nightly-latency.service", "terun-nightly-latency.timer", "terun-business-hours.service",
        "terun-business-hours.timer", "terun-weekly.service", "terun-weekly.timer",
      ])
    let service = files[0].contents
    #expect(service.contains("Type=oneshot\n"))
    #expect(
      service.contains(
        "ExecStart=/usr/local/bin/terun schedule run /etc/terun/schedule.yaml --job nightly-latency --token-file %d/te-token\n"
      ))
    #expect(!service.contains("EnvironmentFile="))
    #expect(service.contains("LoadCredential=te-token:/etc/terun/token\n"))
    #expect(service.contains("Environment=TERUN_STATE_DIR=%S/terun\n"))
    #expect(service.contains("TimeoutStartSec=1830\n"))
    #expect(!service.contains("TE_TOKEN"))
    let timer = files[1].contents
    #expect(timer.contains("OnCalendar=*-*-* 02:00:00 America/New_York\n"))
    #expect(timer.contains("Persistent=true\n"))
    #expect(timer.contains("Unit=terun-nightly-latency.service\n"))
    // Both day fields restricted: the Vixie OR becomes two lines.
    let business = files[3].contents
    #expect(business.contains("OnCalendar=*-*-01,15 09..17:00,15,30,45:00 Europe/Berlin\n"))
    #expect(business.contains("OnCalendar=Mon..Fri *-*-* 09..17:00,15,30,45:00 Europe/Berlin\n"))
    #expect(business.contains("Persistent=false\n"))
    #expect(files[5].contents.contains("OnCalendar=Sun *-*-* 00:00:00 UTC\n"))
  }

  @Test func systemdAnalyzeAcceptsTheUnits() throws {
    guard
      let analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first(where: {
        FileManager.default.isExecutableFile(atPath: $0)
      })
    else {
      print("skipping systemd-analyze verify: systemd-analyze is not installed")
      return
    }
    let folder = NSTemporaryDirectory() + "terun-units-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    // verify checks that ExecStart's binary exists: point it at one that does.
    let files = try export(.systemd, terun: "/bin/true")
    for file in files {
      try file.contents.write(toFile: folder + "/" + file.name, atomically: true, encoding: .utf8)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: analyze)
    process.arguments = ["verify"] + files.map { folder + "/" + $0.name }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    // Lines about the machine itself (no systemd running as PID 1 in a container) are not ours.
    let ours = output.split(separator: "\n").filter { $0.contains("terun-") }
    #expect(ours.isEmpty, "systemd-analyze verify: \(output)")
    #expect(process.terminationStatus == 0, "systemd-analyze verify: \(output)")

    // Each OnCalendar= value parses.
    for file in files where file.name.hasSuffix(".timer") {
      for line in file.contents.split(separator: "\n") where line.hasPrefix("OnCalendar=") {
        let spec = String(line.dropFirst("OnCalendar=".count))
        let check = Process()
        check.executableURL = URL(fileURLWithPath: analyze)
        check.arguments = ["calendar", spec]
        check.standardOutput = FileHandle.nullDevice
        check.standardError = FileHandle.nullDevice
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0, "systemd-analyze calendar '\(spec)'")
      }
    }
  }

  @Test func crontabUsesFlockAndCronTZ() throws {
    let files = try export(.cron)
    #expect(files.map(\.name) == ["terun.crontab"])
    let text = files[0].contents
    #expect(text.contains("CRON_TZ=America/New_York\n0 2 * * * flock -n /tmp/terun-nightly-latency.lock "))
    #expect(
      text.contains(
        "sh -c 'set -a; . /etc/terun/terun.env; set +a; exec /usr/local/bin/terun schedule run /etc/terun/schedule.yaml --job nightly-latency' >/dev/null\n"
      ))
    #expect(
      text.contains(
        "CRON_TZ=Europe/Berlin\n*/15 9-17 1,15 * MON-FRI flock -n /tmp/terun-business-hours.lock "))
    #expect(text.contains("CRON_TZ=UTC\n0 0 * * 0 flock -n /tmp/terun-weekly.lock "))
    #expect(!text.contains("TE_TOKEN="))
  }

  @Test func kubernetesCronJobsParseWithTheRequiredFields() throws {
    let files = try export(.kubernetes)
    #expect(files.map(\.name) == ["terun-cronjobs.yaml"])
    let documents = Array(try Yams.load_all(yaml: files[0].contents))
    #expect(documents.count == 3)
    let first = try #require(documents[0] as? [String: Any])
    #expect(first["apiVersion"] as? String == "batch/v1")
    #expect(first["kind"] as? String == "CronJob")
    #expect((first["metadata"] as? [String: Any])?["name"] as? String == "terun-nightly-latency")
    let spec = try #require(first["spec"] as? [String: Any])
    #expect(spec["schedule"] as? String == "0 2 * * *")
    #expect(spec["timeZone"] as? String == "America/New_York")
    #expect(spec["concurrencyPolicy"] as? String == "Forbid")
    #expect(spec["startingDeadlineSeconds"] == nil)
    let jobSpec = try #require((spec["jobTemplate"] as? [String: Any])?["spec"] as? [String: Any])
    #expect(jobSpec["activeDeadlineSeconds"] as? Int == 1830)
    #expect(jobSpec["backoffLimit"] as? Int == 0)
    let podSpec = try #require((jobSpec["template"] as? [String: Any])?["spec"] as? [String: Any])
    #expect(podSpec["restartPolicy"] as? String == "Never")
    let container = try #require((podSpec["containers"] as? [Any])?.first as? [String: Any])
    #expect(container["image"] as? String == "terun:1.2.3")
    #expect(
      container["args"] as? [String] == [
        "run", "export_latency", "test_id=123456", "window=24h", "--timeout", "30m", "--out-dir", "/out",
        "--token-file", "/var/run/secrets/terun/token",
      ])
    let env = try #require(container["env"] as? [[String: Any]])
    #expect(!env.contains { $0["name"] as? String == "TE_TOKEN" })

    let second = try #require(documents[1] as? [String: Any])
    let secondSpec = try #require(second["spec"] as? [String: Any])
    #expect(secondSpec["schedule"] as? String == "*/15 9-17 1,15 * MON-FRI")
    #expect(secondSpec["startingDeadlineSeconds"] as? Int == 60)
    let args =
      (((((secondSpec["jobTemplate"] as? [String: Any])?["spec"] as? [String: Any])?["template"]
      as? [String: Any])?["spec"] as? [String: Any])?["containers"] as? [[String: Any]])?.first?["args"]
      as? [String]
    #expect(
      args == [
        "run", "hello", "name=ops team", "--timeout", "90s", "--out-dir", "/out", "--token-file",
        "/var/run/secrets/terun/token",
      ])
    let third = try #require(documents[2] as? [String: Any])
    #expect((third["spec"] as? [String: Any])?["schedule"] as? String == "0 0 * * 0")
  }
}
