#!/usr/bin/env python3
"""Extract the official spec's text for the simulator's implemented operations.

Usage: scripts/sim/gen_fuzz_spec.py [SPEC] > Tests/Harness/conformance/openapi.json

The schemathesis run (Tests/Harness/conformance/test_schemathesis.py) fuzzes the simulator with this
extraction, so CI needs no copy of the spec folder. It is the official spec unchanged,
restricted to the implemented operations (scripts/sim/routes.py) and every component they
reach (schemas, parameters, responses, headers, request bodies, examples, security schemes).
"""
import json
import pathlib
import sys

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from routes import implemented_routes  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPEC = sys.argv[1] if len(sys.argv) > 1 else str(ROOT.parent / "shared" / "thousandeyes-api" / "thousandeyes.yaml")
spec = yaml.safe_load(open(SPEC))
components = spec["components"]
needed = {}


def walk(node):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/"):
            _, _, kind, name = ref.split("/", 3)
            if name not in needed.setdefault(kind, set()):
                needed[kind].add(name)
                walk(components[kind][name])
        for value in node.values():
            walk(value)
    elif isinstance(node, list):
        for value in node:
            walk(value)


paths = {}
for method, path, operation_id in implemented_routes(ROOT):
    item = spec["paths"][path]
    op = item[method.lower()]
    assert op["operationId"] == operation_id, (method, path, operation_id)
    target = paths.setdefault(path, {k: v for k, v in item.items() if k not in ("get", "post", "put", "patch", "delete")})
    target[method.lower()] = op
    for requirement in op.get("security", []):
        for scheme in requirement:
            needed.setdefault("securitySchemes", set()).add(scheme)
walk(paths)

document = {
    "openapi": spec["openapi"],
    "info": spec["info"],
    "servers": spec["servers"],
    "paths": paths,
    "components": {kind: {name: components[kind][name] for name in sorted(names)} for kind, names in sorted(needed.items())},
}
json.dump(document, sys.stdout, indent=1, sort_keys=False)
print()
