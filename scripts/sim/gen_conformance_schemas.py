#!/usr/bin/env python3
"""Extract the response schemas of the simulator's implemented operations from the spec.

Usage: scripts/sim/gen_conformance_schemas.py [SPEC] > Tests/Harness/conformance/response_schemas.json

The conformance harness validates against this extraction so CI needs no copy of the spec
folder; it is the official spec's own text (operations' responses and every schema they
reach), unchanged.
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
needed = set()


def walk(node):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.split("/")[-1]
            if name not in needed:
                needed.add(name)
                walk(components["schemas"][name])
        for value in node.values():
            walk(value)
    elif isinstance(node, list):
        for value in node:
            walk(value)


operations = {}
for method, path, operation_id in implemented_routes(ROOT):
    op = spec["paths"][path][method.lower()]
    assert op["operationId"] == operation_id, (method, path, operation_id)
    responses = {}
    for code, response in op["responses"].items():
        while "$ref" in response:
            response = components["responses"][response["$ref"].split("/")[-1]]
        content = response.get("content", {})
        responses[code] = {
            "contentTypes": sorted(content),
            "schema": next((c["schema"] for c in content.values() if "schema" in c), None),
            "headers": sorted(response.get("headers", {})),
        }
    walk(responses)
    operations[f"{method} {path}"] = {"operationId": operation_id, "responses": responses}

document = {
    "info": {"source": "thousandeyes.yaml", "version": spec["info"]["version"]},
    "operations": operations,
    "components": {"schemas": {name: components["schemas"][name] for name in sorted(needed)}},
}
json.dump(document, sys.stdout, indent=1, sort_keys=True)
print()
