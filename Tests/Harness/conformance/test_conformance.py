"""Every implemented operation's responses, success and error, against the official spec.

Runs `terun sim` (see conftest.py) and validates each response with spec_schemas.validate.
The last test checks that every implemented operation was exercised with a success and
with each error status the simulator can give it (400, 401, 403, 404, 429).
"""
import collections
import copy

import pytest

from spec_schemas import operations, validate

CHECKED = collections.defaultdict(set)

TEST_BODIES = {
    "bgp": {"prefix": "198.51.100.0/24"},
    "agent-to-server": {"server": "example.com", "interval": 600, "agents": [{"agentId": "3"}]},
    "agent-to-agent": {"targetAgentId": "4", "interval": 300, "agents": [{"agentId": "3"}]},
    "dns-server": {"domain": "example.com A", "dnsServers": ["ns1.example.net"], "interval": 300, "agents": [{"agentId": "3"}]},
    "dns-trace": {"domain": "example.com A", "interval": 300, "agents": [{"agentId": "3"}]},
    "dnssec": {"domain": "example.com A", "interval": 300, "agents": [{"agentId": "3"}]},
    "http-server": {"url": "https://example.com/", "interval": 300, "agents": [{"agentId": "3"}]},
    "page-load": {"url": "https://example.com/", "interval": 300, "agents": [{"agentId": "3"}]},
    "web-transactions": {
        "url": "https://example.com/",
        "transactionScript": "markers.start('home');",
        "interval": 300,
        "agents": [{"agentId": "3"}],
    },
    "api": {
        "url": "https://api.example.com",
        "requests": [{"name": "status", "url": "https://api.example.com/status"}],
        "interval": 300,
        "agents": [{"agentId": "3"}],
    },
    "ftp-server": {
        "url": "ftp://ftp.example.com/file.bin",
        "username": "anonymous",
        "password": "secret",
        "requestType": "download",
        "interval": 300,
        "agents": [{"agentId": "3"}],
    },
    "sip-server": {
        "port": 5060,  # required at the top level by the spec, though declared only inside the credentials
        "targetSipCredentials": {"port": 5060, "sipRegistrar": "sip.example.com"},
        "interval": 300,
        "agents": [{"agentId": "3"}],
    },
    "voice": {"targetAgentId": "4", "interval": 300, "agents": [{"agentId": "3"}]},
}

# Update schemas that differ from the create schema in what they accept.
UPDATE_BODIES = {"bgp": {"includeCoveredPrefixes": True}}


def check(sim, method, template, path, body=None, expect=None, token="conformance-token"):
    key = f"{method} {template}"
    assert key in operations(), f"{key} is not an implemented operation"
    reply = sim.call(method, path, body, token=token) if token != "conformance-token" else sim.call(method, path, body)
    if expect is not None:
        assert reply.status == expect, f"{key} {path}: expected {expect}, got {reply.status}: {reply.raw[:300]!r}"
    validate(key, reply)
    CHECKED[key].add(reply.status)
    if reply.status == 201:
        assert reply.headers.get("location"), f"{key}: 201 without Location"
    if reply.status < 300 and reply.body is not None and reply.raw:
        assert "_links" in reply.body, f"{key}: no _links"
    return reply


def fill(template, **ids):
    path = template
    for name, value in ids.items():
        path = path.replace("{" + name + "}", str(value))
    return path


def test_account_groups(sim):
    check(sim, "GET", "/account-groups", "/account-groups", expect=200)
    created = check(sim, "POST", "/account-groups", "/account-groups", {"accountGroupName": "Conformance"}, expect=201)
    aid = created.body["aid"]
    check(sim, "GET", "/account-groups/{id}", f"/account-groups/{aid}", expect=200)
    check(sim, "GET", "/account-groups/{id}", "/account-groups/1234?expand=agent", expect=200)
    check(sim, "PUT", "/account-groups/{id}", f"/account-groups/{aid}", {"accountGroupName": "Conformance 2"}, expect=200)
    check(sim, "POST", "/account-groups", "/account-groups", {"name": "wrong"}, expect=400)
    check(sim, "PUT", "/account-groups/{id}", f"/account-groups/{aid}", {"accountGroupName": 7}, expect=400)
    check(sim, "DELETE", "/account-groups/{id}", f"/account-groups/{aid}", expect=204)
    for method in ("GET", "PUT", "DELETE"):
        body = {"accountGroupName": "x"} if method == "PUT" else None
        check(sim, method, "/account-groups/{id}", f"/account-groups/{aid}", body, expect=404)


def test_users_roles_permissions(sim):
    check(sim, "GET", "/users", "/users", expect=200)
    check(sim, "GET", "/users/current", "/users/current", expect=200)
    body = {
        "name": "Conformance User",
        "email": "conformance@example.com",
        "loginAccountGroupId": "1234",
        "accountGroupRoles": [{"accountGroupId": "1234", "roleIds": ["3"]}],
    }
    created = check(sim, "POST", "/users", "/users", body, expect=201)
    uid = created.body["uid"]
    check(sim, "POST", "/users", "/users", body, expect=400)  # duplicate email
    check(sim, "GET", "/users/{id}", f"/users/{uid}", expect=200)
    check(sim, "PUT", "/users/{id}", f"/users/{uid}", {"name": "Renamed"}, expect=200)
    check(sim, "PUT", "/users/{id}", f"/users/{uid}", {"uid": "1"}, expect=400)
    check(sim, "DELETE", "/users/{id}", f"/users/{uid}", expect=204)
    for method in ("GET", "PUT", "DELETE"):
        check(sim, method, "/users/{id}", f"/users/{uid}", {"name": "x"} if method == "PUT" else None, expect=404)

    check(sim, "GET", "/roles", "/roles", expect=200)
    check(sim, "GET", "/permissions", "/permissions", expect=200)
    role = check(sim, "POST", "/roles", "/roles", {"name": "Auditor", "permissions": ["1001", "1005"]}, expect=201)
    role_id = role.body["roleId"]
    check(sim, "POST", "/roles", "/roles", {"name": "Bad", "permissions": "all"}, expect=400)
    check(sim, "GET", "/roles/{id}", f"/roles/{role_id}", expect=200)
    check(sim, "PUT", "/roles/{id}", f"/roles/{role_id}", {"name": "Auditor 2"}, expect=200)
    check(sim, "PUT", "/roles/{id}", f"/roles/{role_id}", {"name": "x", "extra": 1}, expect=400)
    check(sim, "DELETE", "/roles/{id}", f"/roles/{role_id}", expect=204)
    for method in ("GET", "PUT", "DELETE"):
        check(sim, method, "/roles/{id}", f"/roles/{role_id}", {"name": "x"} if method == "PUT" else None, expect=404)


def test_agents(sim):
    check(sim, "GET", "/agents", "/agents", expect=200)
    check(sim, "GET", "/agents", "/agents?agentTypes=cloud", expect=200)
    listed = check(sim, "GET", "/agents", "/agents?agentTypes=enterprise", expect=200)
    check(sim, "GET", "/agents", "/agents?agentTypes=robot", expect=400)
    enterprise = listed.body["agents"][0]["agentId"]
    check(sim, "GET", "/agents/{agentId}", "/agents/3", expect=200)
    check(sim, "GET", "/agents/{agentId}", f"/agents/{enterprise}", expect=200)
    check(sim, "PUT", "/agents/{agentId}", f"/agents/{enterprise}", {"agentName": "renamed-ea", "enabled": False}, expect=200)
    check(sim, "PUT", "/agents/{agentId}", f"/agents/{enterprise}", {"agentName": 5}, expect=400)
    check(sim, "DELETE", "/agents/{agentId}", f"/agents/{enterprise}", expect=204)
    for method in ("GET", "PUT", "DELETE"):
        check(sim, method, "/agents/{agentId}", "/agents/999999", {"agentName": "x"} if method == "PUT" else None, expect=404)


@pytest.mark.parametrize("kind", sorted(TEST_BODIES))
def test_tests_of_every_type(sim, kind):
    collection = f"/tests/{kind}"
    one = f"/tests/{kind}/{{testId}}"
    body = dict(TEST_BODIES[kind], testName=f"conformance {kind}")
    created = check(sim, "POST", collection, collection, body, expect=201)
    test_id = created.body["testId"]
    check(sim, "GET", collection, collection, expect=200)
    check(sim, "GET", one, fill(one, testId=test_id), expect=200)
    # Some types' update schemas are their full request schemas (required fields included).
    update = dict(UPDATE_BODIES.get(kind, body), testName=f"conformance {kind} 2")
    check(sim, "PUT", one, fill(one, testId=test_id), update, expect=200)
    bad = copy.deepcopy(body)
    bad["interval"] = 61
    bad["unknownField"] = True
    check(sim, "POST", collection, collection, bad, expect=400)
    check(sim, "PUT", one, fill(one, testId=test_id), {"testId": "1"}, expect=400)
    check(sim, "DELETE", one, fill(one, testId=test_id), expect=204)
    for method in ("GET", "PUT", "DELETE"):
        check(sim, method, one, fill(one, testId=test_id), update if method == "PUT" else None, expect=404)


def test_instant_rerun(sim):
    # The fixture runs with --rate-limit off, which also lifts the instant budget (its
    # headers and 429 are covered by the Swift tests).
    check(sim, "POST", "/tests/{testId}/run", "/tests/123456/run", expect=200)
    check(sim, "POST", "/tests/{testId}/run", "/tests/1/run", expect=404)


def test_tests_and_history(sim):
    check(sim, "GET", "/tests", "/tests", expect=200)
    check(sim, "GET", "/tests/{testId}/history", "/tests/123456/history", expect=200)
    check(sim, "GET", "/tests/{testId}/history", "/tests/123456/history?limit=0", expect=400)
    check(sim, "GET", "/tests/{testId}/history", "/tests/1/history", expect=404)


@pytest.mark.parametrize("kind", ["network", "http-server", "path-vis", "page-load"])
def test_results(sim, kind):
    template = f"/test-results/{{testId}}/{kind}"
    tests = sim.call("GET", "/tests").body["tests"]
    wanted = {"network": "agent-to-server", "path-vis": "agent-to-server", "http-server": "http-server", "page-load": "page-load"}
    test_id = "123456" if wanted[kind] == "agent-to-server" else next(t["testId"] for t in tests if t["type"] == wanted[kind])
    first = check(sim, "GET", template, fill(template, testId=test_id) + "?window=12h", expect=200)
    assert first.body["results"], f"{kind}: no rows"
    nxt = first.body["_links"].get("next", {}).get("href")
    if nxt:
        check(sim, "GET", template, nxt, expect=200)
    check(sim, "GET", template, fill(template, testId=test_id) + "?startDate=2026-01-01T00:00:00Z&endDate=2026-01-01T02:00:00Z", expect=200)
    check(sim, "GET", template, fill(template, testId=test_id) + "?window=soon", expect=400)
    check(sim, "GET", template, fill(template, testId=test_id) + "?cursor=forged.cursor", expect=400)
    check(sim, "GET", template, fill(template, testId="1"), expect=404)


def test_alerts(sim):
    listed = check(sim, "GET", "/alerts", "/alerts?window=30d&max=3", expect=200)
    nxt = listed.body["_links"].get("next", {}).get("href")
    if nxt:
        check(sim, "GET", "/alerts", nxt, expect=200)
    check(sim, "GET", "/alerts", "/alerts?state=clear&window=30d", expect=200)
    check(sim, "GET", "/alerts", "/alerts", expect=200)
    check(sim, "GET", "/alerts", "/alerts?state=sleeping", expect=400)
    alert_id = listed.body["alerts"][0]["id"]
    check(sim, "GET", "/alerts/{alertId}", f"/alerts/{alert_id}", expect=200)
    check(sim, "GET", "/alerts/{alertId}", "/alerts/00000000-0000-4000-a000-000000000000", expect=404)


def test_alert_rules(sim):
    check(sim, "GET", "/alerts/rules", "/alerts/rules", expect=200)
    body = {
        "ruleName": "Conformance rule",
        "expression": "((loss >= 50%))",
        "alertType": "end-to-end-server",
        "roundsViolatingOutOf": 2,
        "roundsViolatingRequired": 1,
        "testIds": ["123456"],
    }
    created = check(sim, "POST", "/alerts/rules", "/alerts/rules", body, expect=201)
    rule_id = created.body["ruleId"]
    check(sim, "POST", "/alerts/rules", "/alerts/rules", {"ruleName": "no expression"}, expect=400)
    check(sim, "GET", "/alerts/rules/{ruleId}", f"/alerts/rules/{rule_id}", expect=200)
    check(sim, "PUT", "/alerts/rules/{ruleId}", f"/alerts/rules/{rule_id}", dict(body, ruleName="Renamed"), expect=200)
    check(sim, "PUT", "/alerts/rules/{ruleId}", f"/alerts/rules/{rule_id}", dict(body, alertType="psychic"), expect=400)
    check(sim, "DELETE", "/alerts/rules/{ruleId}", f"/alerts/rules/{rule_id}", expect=204)
    for method in ("GET", "PUT", "DELETE"):
        check(sim, method, "/alerts/rules/{ruleId}", f"/alerts/rules/{rule_id}", body if method == "PUT" else None, expect=404)


def test_alert_suppression_windows(sim):
    base = "/alert-suppression-windows"
    one = base + "/{windowId}"
    check(sim, "GET", base, base, expect=200)
    body = {
        "name": "Conformance window",
        "startDate": "2026-03-01T02:00:00Z",
        "duration": 60,
        "repeat": {"type": "week", "intervalType": "week", "intervalLength": 1, "daysOfWeek": ["sat"]},
        "endRepeat": {"type": "count", "count": 4},
        "testIds": ["123456"],
    }
    created = check(sim, "POST", base, base, body, expect=201)
    window_id = created.body["alertSuppressionWindowId"]
    check(sim, "POST", base, base, dict(body, duration="long"), expect=400)
    check(sim, "GET", one, fill(one, windowId=window_id), expect=200)
    check(sim, "PUT", one, fill(one, windowId=window_id), dict(body, name="Renamed"), expect=200)
    check(sim, "PUT", one, fill(one, windowId=window_id), {"status": "active"}, expect=400)
    check(sim, "DELETE", one, fill(one, windowId=window_id), expect=204)
    for method in ("GET", "PUT", "DELETE"):
        check(sim, method, one, fill(one, windowId=window_id), body if method == "PUT" else None, expect=404)


def test_endpoint_agents(sim):
    first = check(sim, "GET", "/endpoint/agents", "/endpoint/agents?max=4", expect=200)
    check(sim, "GET", "/endpoint/agents", first.body["_links"]["next"]["href"], expect=200)
    check(sim, "GET", "/endpoint/agents", "/endpoint/agents?max=-1", expect=400)


SAMPLE_IDS = {"id": "1234", "agentId": "3", "testId": "123456", "ruleId": "9001", "windowId": "7001",
              "alertId": "00000000-0000-4000-a000-000000000000"}


def sample_path(template):
    path = template
    for name, value in SAMPLE_IDS.items():
        path = path.replace("{" + name + "}", value)
    return path


@pytest.mark.parametrize("key", sorted(operations()))
def test_401_on_every_operation(sim, key):
    method, template = key.split(" ", 1)
    check(sim, method, template, sample_path(template), {} if method in ("POST", "PUT") else None, expect=401, token=None)
    check(sim, method, template, sample_path(template), {} if method in ("POST", "PUT") else None, expect=401, token="wrong")


@pytest.mark.parametrize("key", sorted(operations()))
def test_403_for_a_foreign_account_group(sim, key):
    method, template = key.split(" ", 1)
    if template.startswith("/account-groups"):
        pytest.skip("account-group operations take no aid")
    if template == "/users/current":
        pytest.skip("getCurrentUser takes no aid")
    path = sample_path(template) + "?aid=9012"
    check(sim, method, template, path, {} if method in ("POST", "PUT") else None, expect=403)


@pytest.mark.parametrize("key", sorted(operations()))
def test_429_when_the_budget_is_spent(exhausted_sim, key):
    method, template = key.split(" ", 1)
    reply = check(exhausted_sim, method, template, sample_path(template), {} if method in ("POST", "PUT") else None, expect=429)
    for header in ("limit", "remaining", "reset"):
        assert f"x-organization-rate-limit-{header}" in reply.headers


def test_zz_every_operation_was_checked():
    missing = []
    for key in operations():
        method, template = key.split(" ", 1)
        statuses = CHECKED.get(key, set())
        if not any(200 <= s < 300 for s in statuses):
            missing.append(f"{key}: no success")
        needed = {401, 429}
        if not template.startswith("/account-groups") and template != "/users/current":
            needed.add(403)
        if "{" in template and template != "/tests/{testId}/history" or method == "DELETE":
            needed.add(404)
        if method in ("POST", "PUT") and not template.endswith("/run"):
            needed.add(400)
        for status in sorted(needed - statuses):
            missing.append(f"{key}: no {status}")
    assert not missing, "\n".join(missing)
