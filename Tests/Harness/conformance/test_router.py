"""The simulator's router: a path that matches a literal route of another method and a
parameter route of the request's method goes to the parameter route, as the API does."""


def test_a_literal_route_of_another_method_does_not_shadow_a_parameter_route(sim):
    # schemathesis (seed 4) sent DELETE /tags/unassign: the spec's DELETE /tags/{id} documents
    # 404 for a tag that does not exist, and no 405.
    reply = sim.call("DELETE", "/tags/unassign")
    assert reply.status == 404, reply.raw
    assert sim.call("GET", "/tags/assign").status == 404
