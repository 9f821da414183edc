import Foundation
import Scheduler
import Testing

/// A temporary state folder and a fake `terun` (a shell script) for runner and daemon tests.
///
/// The fake reads its arguments like `terun run RUNBOOK key=value ...`:
/// - `ok` prints a plan line and exits 0;
/// - `crash` prints `boom` on stderr and exits 1;
/// - `slow seconds=N` sleeps N seconds, then exits 0;
/// - `exit code=N` exits with N;
/// - `flaky succeed_at=N` exits 1 until attempt N (`TERUN_ATTEMPT`), then 0;
/// - `write` writes `report.csv` into its `--out-dir` and exits 0.
struct SchedulerFixture {
  let folder: String
  let state: StateDirectory
  let history: HistoryStore

  static let fakeTerun = """
    [ "$1" = run ] || { echo "fake terun: expected run, got $1" >&2; exit 2; }
    out=""; for a in "$@"; do [ "$prev" = --out-dir ] && out="$a"; prev="$a"; done
    [ -d "$out" ] || { echo "fake terun: no --out-dir folder" >&2; exit 2; }
    case "$2" in
      exit) echo "exiting ${3#code=}"; exit "${3#code=}" ;;
      flaky) echo "attempt $TERUN_ATTEMPT"; [ "$TERUN_ATTEMPT" -ge "${3#succeed_at=}" ] && exit 0; exit 1 ;;
      write) echo "a,b" > "$out/report.csv"; echo wrote; exit 0 ;;
      ok) echo "running ok"; echo "Plan: 1 to add, 0 to change, 0 to destroy."; exit 0 ;;
      crash) echo "boom" >&2; exit 1 ;;
      slow) exec sleep "${3#seconds=}" ;;
      *) echo "fake terun: unknown runbook $2" >&2; exit 1 ;;
    esac
    """

  init() throws {
    folder = NSTemporaryDirectory() + "terun-sched-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    state = StateDirectory(path: folder + "/state")
    history = try state.openHistory()
  }

  var command: ChildCommand {
    ChildCommand(executable: "/bin/sh", leadingArguments: ["-c", SchedulerFixture.fakeTerun, "fake-terun"])
  }

  func runner(clock: any SchedulerClock, killGrace: TimeInterval = 2) -> JobRunner {
    JobRunner(command: command, state: state, history: history, clock: clock, killGrace: killGrace)
  }

  func schedule(_ yaml: String) throws -> ScheduleFile {
    try ScheduleFile.parse(yaml, directory: folder)
  }
}

/// Waits (in real time, up to `seconds`) until `condition` holds.
func eventually(
  _ what: String, within seconds: Double = 60, _ condition: () async throws -> Bool
) async throws {
  let deadline = Date().addingTimeInterval(seconds)
  while Date() < deadline {
    if try await condition() { return }
    try await Task.sleep(for: .milliseconds(20))
  }
  Issue.record("timed out waiting for: \(what)")
  throw CancellationError()
}

func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
