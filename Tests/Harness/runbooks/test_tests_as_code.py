"""Tests as code: export_tests then sync_tests on the same file plans nothing, in the same
account group and, after copying the file to another account group and syncing there, on
every later sync; the other group's export then holds the same tests, field for field.
"""
import shutil

import yaml

EMPTY = "Plan: 0 to create, 0 to update, 0 to delete."


def run_ok(sim, *args, aid=None):
    done = sim.run(*args, aid=aid)
    assert done.returncode == 0, f"terun {' '.join(args)} (exit {done.returncode}):\n{done.stdout}{done.stderr}"
    return done


def file_tests(path):
    doc = yaml.safe_load(path.read_text())
    return {(t["type"], t["testName"]): t for t in doc["tests"]}


def test_round_trip_in_the_same_and_another_account_group(sim):
    run_ok(sim, "run", "export_tests", "out=main.yaml")
    exported = file_tests(sim.work / "main.yaml")
    assert len(exported) >= 5 and all("agents" in t for k, t in exported.items() if k[0] != "bgp")
    same = run_ok(sim, "run", "sync_tests", "file=main.yaml", "--detailed-exitcode")
    assert EMPTY in same.stdout, same.stdout

    copy = sim.work / "copy"
    copy.mkdir()
    shutil.copy(sim.work / "main.yaml", copy / "tests.yaml")
    first = run_ok(sim, "run", "sync_tests", "file=copy/tests.yaml", "--plan-out", "copy.plan.json", aid="5678")
    assert f"Plan: {len(exported)} to create, 0 to update, 0 to delete." in first.stdout, first.stdout
    run_ok(sim, "apply", "copy.plan.json", aid="5678")
    for _ in range(2):
        again = run_ok(sim, "run", "sync_tests", "file=copy/tests.yaml", "--detailed-exitcode", aid="5678")
        assert EMPTY in again.stdout, again.stdout
        run_ok(sim, "run", "sync_tests", "file=copy/tests.yaml", aid="5678")

    run_ok(sim, "run", "export_tests", "out=other.yaml", aid="5678")
    other = file_tests(sim.work / "other.yaml")
    for key, test in exported.items():
        assert other.get(key) == test, f"{key} differs in the other account group"


def test_a_file_edited_by_hand_plans_its_field_diffs(sim):
    run_ok(sim, "run", "export_tests", "out=tests.yaml")
    path = sim.work / "tests.yaml"
    doc = yaml.safe_load(path.read_text())
    target = next(t for t in doc["tests"] if t["type"] == "http-server")
    target["interval"] = 3600 if target.get("interval") != 3600 else 1800
    target["agents"] = sorted(target["agents"])[:1]
    doc["tests"].append({"type": "agent-to-server", "testName": "From code", "server": "code.example.com",
                         "interval": 300, "agents": ["Singapore"], "alertRules": ["High Latency"]})
    path.write_text(yaml.safe_dump(doc))
    plan = sim.run("run", "sync_tests", "file=tests.yaml", "--detailed-exitcode")
    assert plan.returncode == 2, plan.stdout + plan.stderr
    assert "Plan: 1 to create, 1 to update, 0 to delete." in plan.stdout, plan.stdout
    assert "interval: " in plan.stdout and "agents" in plan.stdout
    run_ok(sim, "run", "sync_tests", "file=tests.yaml")
    again = run_ok(sim, "run", "sync_tests", "file=tests.yaml", "--detailed-exitcode")
    assert EMPTY in again.stdout


def test_prune_over_max_delete_is_refused_with_exit_2_and_nothing_changes(sim):
    run_ok(sim, "run", "export_tests", "out=tests.yaml")
    path = sim.work / "tests.yaml"
    doc = yaml.safe_load(path.read_text())
    dropped = doc["tests"][:2]
    doc["tests"] = doc["tests"][2:]
    path.write_text(yaml.safe_dump(doc))
    refused = sim.run("run", "sync_tests", "file=tests.yaml", "prune=true", "max_delete=1")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "parameter max_delete: prune would delete 2 test(s) the file does not list, more than max_delete=1" in refused.stderr
    for test in dropped:
        assert test["testName"] in refused.stderr
    allowed = sim.run("run", "sync_tests", "file=tests.yaml", "prune=true", "max_delete=2", "--detailed-exitcode")
    assert allowed.returncode == 2 and "Plan: 0 to create, 0 to update, 2 to delete." in allowed.stdout, allowed.stdout


def test_unknown_fields_and_bad_types_name_the_test_and_field_before_anything_is_planned(sim):
    run_ok(sim, "run", "export_tests", "out=tests.yaml")
    path = sim.work / "tests.yaml"
    doc = yaml.safe_load(path.read_text())
    existing = next(t for t in doc["tests"] if t["type"] == "agent-to-server")
    existing["interval"] = "fast"
    existing["enabled"] = "yes"
    doc["tests"].append({"type": "http-server", "testName": "New web", "url": "https://new.example",
                         "interval": "often", "agents": ["Singapore"], "colour": "red"})
    path.write_text(yaml.safe_dump(doc))
    plan = sim.run("run", "sync_tests", "file=tests.yaml", "--plan-out", "p.json")
    assert plan.returncode == 2, plan.stdout + plan.stderr
    name = existing["testName"]
    for line in (f'test {doc["tests"].index(existing) + 1} "{name}": field enabled: enabled must be a boolean, not a string.',
                 f'"{name}": field interval: interval must be an integer, not a string.',
                 '"New web": field colour: unknown field for http-server tests',
                 '"New web": field interval: interval must be an integer, not a string.'):
        assert line in plan.stderr, plan.stderr
    assert "4 problem(s)" in plan.stderr, plan.stderr
    assert "Would create" not in plan.stdout and not (sim.work / "p.json").exists(), plan.stdout


def test_every_test_type_round_trips_and_a_password_the_api_never_returns_is_asked_for(sim):
    (sim.work / "every_type.lua").write_text('''runbook { name = "every_type", description = "a test of each type", params = {} }
local agents = te.agents.list()
local a = { { agentId = tostring(agents[1].agentId) } }
local bodies = {
  bgp = { testName = "rt bgp", prefix = "10.0.0.0/8" },
  ["dns-trace"] = { testName = "rt dns-trace", domain = "example.com A", interval = 300, agents = a },
  dnssec = { testName = "rt dnssec", domain = "example.com A", interval = 300, agents = a },
  ["web-transactions"] = { testName = "rt wt", url = "https://example.com", transactionScript = "x", interval = 300, agents = a },
  api = { testName = "rt api", url = "https://example.com", requests = { { name = "r", url = "https://example.com" } }, interval = 300, agents = a },
  ["ftp-server"] = { testName = "rt ftp", url = "ftp://example.com", requestType = "download", username = "u", password = "p", interval = 300, agents = a },
  ["sip-server"] = { testName = "rt sip", targetSipCredentials = { sipRegistrar = "sip.example.com", protocol = "tcp", port = 5060 }, port = 5060, interval = 300, agents = a },
  voice = { testName = "rt voice", targetAgentId = a[1].agentId, interval = 300, agents = { { agentId = tostring(agents[2].agentId) } } },
  ["page-load"] = { testName = "rt page-load", url = "https://example.com", interval = 300, agents = a },
}
for t, b in pairs(bodies) do
  te.tests.create(t, b)
end
''')
    run_ok(sim, "run", "every_type.lua")
    run_ok(sim, "run", "export_tests", "out=all.yaml")
    path = sim.work / "all.yaml"
    doc = yaml.safe_load(path.read_text())
    types = {t["type"] for t in doc["tests"]}
    assert len(types) == 13, types
    same = run_ok(sim, "run", "sync_tests", "file=all.yaml", "--detailed-exitcode")
    assert EMPTY in same.stdout, same.stdout

    asked = sim.run("run", "sync_tests", "file=all.yaml", aid="5678")
    assert asked.returncode == 2, asked.stdout + asked.stderr
    assert '"rt ftp": field password: password is required. The test does not exist here, so the file must set it' in asked.stderr
    ftp = next(t for t in doc["tests"] if t["testName"] == "rt ftp")
    assert "password" not in ftp
    ftp["password"] = "secret"
    path.write_text(yaml.safe_dump(doc))
    run_ok(sim, "run", "sync_tests", "file=all.yaml", aid="5678")
    for aid in ("5678", "5678", None):
        again = run_ok(sim, "run", "sync_tests", "file=all.yaml", "--detailed-exitcode", aid=aid)
        assert EMPTY in again.stdout, again.stdout
