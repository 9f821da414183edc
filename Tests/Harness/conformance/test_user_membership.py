"""A user's account groups in the simulator are those where they hold a role: a PUT that gives
a group no roles (`roleIds: []`), or deleting the user's only role there, takes them out of it,
so `GET /users` in that group no longer lists them and `GET /users/{id}` there is 404. The spec
makes an update with `accountGroupRoles` replace-based; the user stays in the organization,
listed in their login account group. This is what offboard_users relies on.
"""


def emails(sim, aid):
    reply = sim.call("GET", f"/users?aid={aid}")
    assert reply.status == 200, reply.raw
    return {u["email"] for u in reply.body["users"]}


def roles(sim):
    return {r["name"]: r["roleId"] for r in sim.call("GET", "/roles").body["roles"]}


def test_a_group_given_no_roles_drops_the_user(sim):
    regular = roles(sim)["Regular User"]
    created = sim.call("POST", "/users?aid=1234", {
        "name": "Leaver", "email": "leaver.m@example.com",
        "accountGroupRoles": [{"accountGroupId": "1234", "roleIds": [regular]},
                              {"accountGroupId": "5678", "roleIds": [regular]}]})
    assert created.status == 201, created.raw
    uid = created.body["uid"]
    assert "leaver.m@example.com" in emails(sim, "5678")
    updated = sim.call("PUT", f"/users/{uid}?aid=1234", {
        "accountGroupRoles": [{"accountGroupId": "1234", "roleIds": [regular]},
                              {"accountGroupId": "5678", "roleIds": []}]})
    assert updated.status == 200, updated.raw
    assert [e["accountGroup"]["aid"] for e in updated.body["accountGroupRoles"]] == ["1234"]
    assert "leaver.m@example.com" not in emails(sim, "5678")
    assert sim.call("GET", f"/users/{uid}?aid=5678").status == 404


def test_deleting_a_users_only_role_in_a_group_drops_the_user_there(sim):
    custom = sim.call("POST", "/roles", {"name": "Temporary", "permissions": []})
    assert custom.status == 201, custom.raw
    regular = roles(sim)["Regular User"]
    created = sim.call("POST", "/users?aid=1234", {
        "name": "Temp", "email": "temp.m@example.com",
        "accountGroupRoles": [{"accountGroupId": "1234", "roleIds": [regular]},
                              {"accountGroupId": "5678", "roleIds": [custom.body["roleId"]]}]})
    assert created.status == 201, created.raw
    assert "temp.m@example.com" in emails(sim, "5678")
    assert sim.call("DELETE", f"/roles/{custom.body['roleId']}").status == 204
    assert "temp.m@example.com" not in emails(sim, "5678")
    assert "temp.m@example.com" in emails(sim, "1234")

