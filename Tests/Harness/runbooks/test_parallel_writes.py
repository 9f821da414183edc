"""The bulk runbooks write through te.parallel: against a simulator whose answers take 100-300 ms
(so they complete out of order), each runbook's writes overlap (the audit log shows two or more
in flight at once), every write succeeds, and the lines it prints are the dry run's lines in
the same order: the items ran concurrently but are reported in item order.

Overlap is read from the audit log's start and end times, not from a wall-clock threshold.
"""
import datetime
import json
import re

import pytest


WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

USERS_CSV = "name,email,account_group,roles\n" + "".join(
    f"User {i},user{i}.parallel@example.com,Main Account Group,Regular User\n" for i in range(1, 7)
)
OTHERS = "ada.hopper.1002@example.com,tim.liskov.1003@example.com,ada.thompson.1004@example.com,barbara.perlman.1005@example.com"

# name -> (parameters, account group, the fewest writes the run makes on a fresh simulator)
RUNBOOKS = {
    "sync_tests": (["file=tests.yaml", "prune=true", "max_delete=10"], "5678", 8),
    "swap_agent": (["from=Singapore", "to=ea-de-1"], None, 4),
    "offboard_users": ([f"emails={OTHERS}"], None, 4),
    "bulk_create_users": (["csv=users.csv"], None, 6),
    "assign_users": ([f"emails={OTHERS}", "account_group=Network Operations", "roles=Regular User"], None, 4),
    "create_role": (["name=Parallel Viewer", "permissions=View tests", f"users={OTHERS}"], None, 5),
}
# A dry run's wording of an item's line, and a live run's.
DRY_WORDS = [("would be ", ""), ("Would create role", "Created role"), ("would get the role", "given the role")]
# Runs before the runbook (in the default account group).
PREPARE = {"sync_tests": ["export_tests", "out=tests.yaml"]}


@pytest.fixture
def slow_sim(start_runbook_sim):
    return start_runbook_sim("--rate-limit", "off", "--latency", "100-300", "--tests", "16")


def audit_entries(path):
    """(start, end, method, status) per request, in seconds; `time` is when the answer came."""
    entries = []
    for line in path.read_text().splitlines():
        record = json.loads(line)
        end = datetime.datetime.strptime(record["time"], "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()
        entries.append((end - record["duration_ms"] / 1000, end, record["method"], record["status"]))
    return entries


def peak_overlap(spans):
    """The most requests in flight at once. Times are whole milliseconds: a request that ends
    within 2 ms of another's start does not count as overlapping it."""
    return max((sum(1 for s, e in spans if s <= start and start + 0.002 < e) for start, _ in spans), default=0)


def item_lines(run):
    """The runbook's own lines before its summary (its log lines without their time first),
    with a dry run's wording made live's."""
    logged = [re.sub(r"^\S+Z (\w+) +", r"\1 ", line) for line in run.stderr.splitlines()]
    lines = []
    for line in logged + run.stdout.splitlines():
        if re.match(r"^((Would \w+|Will \w+|Moved|Created|Changed|Removed|Deleted|Assigned) \d|Dry run:|Plan:)", line):
            break
        for dry, live in DRY_WORDS:
            line = line.replace(dry, live)
        lines.append(line)
    return lines


def test_peak_overlap_counts_only_true_overlap():
    assert peak_overlap([(0.0, 1.0), (1.0, 2.0), (2.0, 3.0)]) == 1
    assert peak_overlap([(0.0, 1.0), (0.5, 1.5), (0.6, 0.7)]) == 3
    assert peak_overlap([(0.0, 1.0), (0.999, 2.0)]) == 1


@pytest.mark.parametrize("name", sorted(RUNBOOKS))
def test_writes_overlap_and_report_in_item_order(slow_sim, name):
    params, aid, fewest = RUNBOOKS[name]
    (slow_sim.work / "users.csv").write_text(USERS_CSV)
    if name in PREPARE:
        prepared = slow_sim.run("run", *PREPARE[name])
        assert prepared.returncode == 0, prepared.stdout + prepared.stderr
    planned = slow_sim.run("run", name, *params, "--dry-run", aid=aid)
    assert planned.returncode == 0, planned.stdout + planned.stderr
    audit = slow_sim.work / "audit.jsonl"
    done = slow_sim.run("run", name, *params, "--audit", str(audit), aid=aid)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"\b(0 failed|failed 0)\b", done.stdout), done.stdout

    writes = [(s, e) for s, e, method, status in audit_entries(audit) if method in WRITE_METHODS]
    statuses = [status for _, _, method, status in audit_entries(audit) if method in WRITE_METHODS]
    assert len(writes) >= fewest, f"{name}: {len(writes)} writes:\n{done.stdout}"
    assert all(200 <= status < 300 for status in statuses), statuses
    peak = peak_overlap(writes)
    assert peak >= 2, f"{name}: its {len(writes)} writes never overlapped (peak {peak} in flight)"

    # The live run's lines are the (sequential) dry run's, in the same order.
    live, dry = item_lines(done), item_lines(planned)
    assert len(live) > 1 and live == dry, f"live:\n{done.stderr}{done.stdout}\ndry run:\n{planned.stderr}{planned.stdout}"
