"""Every shipped runbook that writes, run as plan (--plan-out), apply, then plan again against
the same simulator: the first plan has writes, the apply sends them, and the second plan is
empty (the runbook sees its own work and plans nothing). Runbooks that only read plan nothing.
A runbook in runbooks/ that is in neither list fails the suite, so a new one must be added.
"""
import pathlib
import re

import pytest

from terun_harness import ROOT

USERS_CSV = (
    "name,email,account_group,roles\n"
    "Ana Lima,ana.replan@example.com,Main Account Group,Regular User\n"
    "Bo Chen,bo.replan@example.com,Network Operations,Account Admin;Regular User\n"
)

# name -> parameters of a run that changes something on a fresh simulator.
WRITES = {
    "toggle_interval": ["test_id=123456", "interval=300"],
    "bulk_create_users": ["csv=users.csv"],
    "assign_users": ["emails=tim.liskov.1003@example.com", "account_group=Network Operations", "roles=Regular User"],
    "create_role": ["name=Replan Viewer", "permissions=View tests,View alerts", "users=ada.hopper.1002@example.com"],
    "maintenance_window": ["pattern=example", "start=2026-12-02T01:00:00Z", "duration=2h"],
    "tag_tests": ["tag=env:replan", "pattern=*"],
    "assign_alert_rule": ["rule=High Latency", "tests=example"],
    "swap_agent": ["from=Singapore", "to=ea-de-1"],
    "offboard_users": ["emails=ada.hopper.1002@example.com,dennis.allen.1006@example.com"],
    # the default account group's tests, synced into another one
    "sync_tests": ["file=tests.yaml"],
}
# Runs before the first plan (in the default account group), and the account group the
# runbook then works in.
PREPARE = {"sync_tests": ["export_tests", "out=tests.yaml"]}
AID = {"sync_tests": "5678"}
READ_ONLY = {
    "hello": ["name=replan"],
    "cloud_agent_ips": [],
    "export_latency": ["test_id=123456", "out=-"],
    "latency_report": ["test_id=123456"],
    "active_alerts": [],
    "tests_inventory": [],
    "export_metrics": ["out=-"],
    "export_tests": ["out=-"],
}
EMPTY = "Plan: 0 to create, 0 to update, 0 to delete."


def shipped():
    return sorted(p.stem for p in (ROOT / "runbooks").glob("*.lua") if not p.stem.endswith("_test"))


def test_every_shipped_runbook_is_classified():
    missing = [name for name in shipped() if name not in WRITES and name not in READ_ONLY]
    assert not missing, f"add these runbooks to WRITES or READ_ONLY in {pathlib.Path(__file__).name}: {missing}"


@pytest.mark.parametrize("name", sorted(WRITES))
def test_plan_apply_plan_again_is_empty(sim, name):
    (sim.work / "users.csv").write_text(USERS_CSV)
    params = WRITES[name]
    if name in PREPARE:
        prepared = sim.run("run", *PREPARE[name])
        assert prepared.returncode == 0, prepared.stdout + prepared.stderr
    aid = AID.get(name)
    first = sim.run("run", name, *params, "--plan-out", "plan.json", aid=aid)
    assert first.returncode == 0, first.stdout + first.stderr
    plan_line = re.search(r"^Plan: .*$", first.stdout, re.M)
    assert plan_line and plan_line.group(0) != EMPTY, f"{name}: the first plan must have writes:\n{first.stdout}"
    applied = sim.run("apply", "plan.json", aid=aid)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "Apply complete" in applied.stdout, applied.stdout
    second = sim.run("run", name, *params, "--detailed-exitcode", aid=aid)
    assert second.returncode == 0, f"{name}: second plan not empty (exit {second.returncode}):\n{second.stdout}{second.stderr}"
    assert EMPTY in second.stdout, second.stdout


@pytest.mark.parametrize("name", sorted(READ_ONLY))
def test_read_only_runbooks_plan_nothing(sim, name):
    done = sim.run("run", name, *READ_ONLY[name], "--detailed-exitcode")
    assert done.returncode == 0, f"{name} (exit {done.returncode}):\n{done.stdout}{done.stderr}"
