#!/usr/bin/env python3
"""Generate the ThousandEyes operation catalog for terun.

Reads the official OpenAPI description (thousandeyes.yaml) and the CLI overlay
(overlay.yaml, for the `resource/verb` command names) and writes
Sources/ThousandEyes/Catalog/Operations+Generated.swift, which is committed so
the project builds without ../shared.

Usage (from the repository root):
    python3 scripts/catalog/generate.py [--spec DIR] [--out FILE]

Read/write classification (dry-run depends on it, see docs/architecture.md, "Dry run and apply"):
  * GET is a read.
  * POST is a read when its last path segment is one of READ_ONLY_POST_SEGMENTS
    (`filter`, `search`, `query`): these endpoints take a filter body and return
    data without side effects.
  * Every other POST, and every PUT, PATCH and DELETE, is a write. That includes
    actions such as `/tests/{testId}/run`, `/tests/{type}/instant`,
    `/templates/{id}/deploy`, `/tags/assign` and `/api-tokens` (regenerate).
  * OVERRIDES below names operations whose class differs from the rule; the
    generator fails if an override names an unknown operation.

Paginated operations are those with a `cursor` query parameter. Their collection
key is the response property marked `x-paginated-items`; otherwise the single
array property of the 200 response schema.

Instant-test operations (their own rate-limit budget) are the POSTs under
`/tests/.../instant`, `/tests/{testId}/run` and the endpoint instant tests.
"""

import argparse
import os
import re
import sys

import yaml

METHODS = ("get", "post", "put", "patch", "delete")
READ_ONLY_POST_SEGMENTS = {"filter", "search", "query"}
# operationId -> "read" | "write", for operations the rule above gets wrong.
# Checked against operations.txt (all 86 POSTs reviewed): the rule is right for
# every one today, so the overrides pin the cases a future spec might blur.
OVERRIDES = {
    "createDashboardFilter": "write",  # POST /dashboards/filters creates a saved filter
    "runInstantTest": "write",  # POST /tests/{testId}/run runs a test now
    "regenerateApiToken": "write",  # POST /api-tokens replaces the caller's token
}


def resolve(spec, node):
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        cur = spec
        for part in ref[2:].split("/"):
            cur = cur[part]
        node = cur
        seen += 1
        if seen > 50:
            raise ValueError("reference loop at " + ref)
    return node


def schema_properties(spec, schema, depth=0):
    """Properties of a schema, following $ref and allOf."""
    schema = resolve(spec, schema) or {}
    props = dict(schema.get("properties", {}))
    if depth < 10:
        for part in schema.get("allOf", []):
            for name, value in schema_properties(spec, part, depth + 1).items():
                props.setdefault(name, value)
    return props


def success_schema(spec, op):
    responses = op.get("responses", {})
    for code in ("200", "201", "202"):
        resp = resolve(spec, responses.get(code))
        if not resp:
            continue
        content = resp.get("content", {})
        for mime in ("application/hal+json", "application/json"):
            if mime in content:
                return content[mime].get("schema"), code
        for mime, media in content.items():
            return media.get("schema"), code
        return None, code
    return None, None


def collection_key(spec, op):
    schema, _ = success_schema(spec, op)
    if schema is None:
        return None
    props = schema_properties(spec, schema)
    marked = [n for n, p in props.items() if (resolve(spec, p) or {}).get("x-paginated-items") or p.get("x-paginated-items")]
    if marked:
        return marked[0]
    arrays = [n for n, p in props.items() if (resolve(spec, p) or {}).get("type") == "array"]
    if len(arrays) == 1:
        return arrays[0]
    return None


def request_fields(spec, op):
    """Writable top-level properties of the JSON request body, or None without one."""
    body = resolve(spec, op.get("requestBody"))
    if not body:
        return None
    content = body.get("content", {})
    media = content.get("application/json") or next(iter(content.values()), None)
    if not media or "schema" not in media:
        return None
    props = schema_properties(spec, media["schema"])
    return [n for n, p in props.items() if not (resolve(spec, p) or {}).get("readOnly") and not p.get("readOnly")]


def response_fields(spec, op):
    schema, _ = success_schema(spec, op)
    if schema is None:
        return []
    return list(schema_properties(spec, schema).keys())


def classify(method, path, op_id):
    if op_id in OVERRIDES:
        return OVERRIDES[op_id]
    if method == "get":
        return "read"
    if method == "post" and path.rstrip("/").split("/")[-1] in READ_ONLY_POST_SEGMENTS:
        return "read"
    return "write"


def is_instant(method, path):
    if method != "post":
        return False
    return path.endswith("/instant") or re.fullmatch(r"/tests/\{testId\}/run", path) is not None or path.endswith("/scheduled-tests/{testId}/run")


NOT_PLURAL = {"vis", "aws", "dns", "bgp", "sip", "rtp", "api", "status", "settings-aws"}


def singular(word):
    if word in NOT_PLURAL or len(word) <= 3:
        return word
    if word.endswith("xes"):
        return word[:-2]
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


VERBS = {"list", "get", "create", "update", "delete", "filter", "assign", "unassign", "enable", "disable",
         "transfer", "bulk-transfer", "bulk-create", "bulk-assign", "bulk-unassign", "deploy", "run",
         "instant", "regenerate", "override", "run-instant-test", "search", "query"}


def object_kind(command):
    """A human name for the object an operation returns, for plan output.

    `tests/agent-to-server/get` -> "agent-to-server test", `users/get` -> "user",
    `alert-rules/create` -> "alert rule", `account-groups/list` -> "account group".
    """
    parts = command.split("/")
    if parts and parts[-1] in VERBS:
        parts = parts[:-1]
    if not parts:
        return ""
    if parts[0] == "tests" and len(parts) >= 2:
        return parts[1] + " test"
    if len(parts) >= 2 and parts[-1] == "test":
        parts = parts[:-1]
    words = [singular(p).replace("-", " ") for p in parts]
    return " ".join(words)


def swift_string(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def swift_array(values):
    return "[" + ", ".join(swift_string(v) for v in values) + "]"


def load_overlay(path):
    overlay = yaml.safe_load(open(path))
    commands = {}
    for action in overlay.get("actions", []):
        m = re.match(r"\$\.paths\['(.*)'\]\.(\w+)$", action["target"])
        if not m:
            continue
        cmd = action.get("update", {}).get("x-thousandeyes-cli-command")
        if cmd:
            commands[(m.group(2), m.group(1))] = cmd
    return commands


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", ".."))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default=os.path.join(root, "..", "shared", "thousandeyes-api"))
    parser.add_argument("--out", default=os.path.join(root, "Sources", "ThousandEyes", "Catalog", "Operations+Generated.swift"))
    args = parser.parse_args()

    spec = yaml.safe_load(open(os.path.join(args.spec, "thousandeyes.yaml")))
    commands = load_overlay(os.path.join(args.spec, "overlay.yaml"))

    ops = []
    for path, item in spec["paths"].items():
        shared_params = item.get("parameters", [])
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [resolve(spec, p) for p in shared_params + op.get("parameters", [])]
            path_params = [p["name"] for p in params if p.get("in") == "path"]
            template_params = re.findall(r"\{([^}]+)\}", path)
            for name in template_params:
                if name not in path_params:
                    path_params.append(name)
            path_params = [n for n in template_params]  # template order
            query_params = []
            for p in params:
                if p.get("in") == "query" and p["name"] not in query_params:
                    query_params.append(p["name"])
            paginated = "cursor" in query_params
            key = collection_key(spec, op) if paginated else None
            op_id = op["operationId"]
            ops.append({
                "id": op_id,
                "method": method.upper(),
                "path": path,
                "path_params": path_params,
                "query_params": query_params,
                "access": classify(method, path, op_id),
                "paginated": paginated,
                "key": key,
                "command": commands.get((method, path), ""),
                "kind": object_kind(commands.get((method, path), "")),
                "instant": is_instant(method, path),
                "tag": (op.get("tags") or [""])[0],
                "request_fields": request_fields(spec, op),
                "response_fields": response_fields(spec, op),
            })

    unknown = set(OVERRIDES) - {o["id"] for o in ops}
    if unknown:
        sys.exit("overrides name unknown operations: " + ", ".join(sorted(unknown)))
    missing = [o for o in ops if not o["command"]]
    if missing:
        sys.exit("operations without an overlay command: " + ", ".join(o["id"] for o in missing))

    lines = [
        "// Generated by scripts/catalog/generate.py from the ThousandEyes API v7 OpenAPI description",
        f"// (version {spec['info']['version']}) and the thousandeyes-cli overlay. Do not edit by hand.",
        "",
        "extension Catalog {",
        f"  /// All {len(ops)} operations of the ThousandEyes API v7, in spec order.",
        "  public static let operations: [Operation] = [",
    ]
    for o in ops:
        lines.append("    Operation(")
        lines.append(f"      id: {swift_string(o['id'])}, method: .{o['method'].lower()}, path: {swift_string(o['path'])},")
        lines.append(f"      pathParameters: {swift_array(o['path_params'])},")
        lines.append(f"      queryParameters: {swift_array(o['query_params'])},")
        key = "nil" if o["key"] is None else swift_string(o["key"])
        lines.append(f"      access: .{o['access']}, isPaginated: {str(o['paginated']).lower()}, collectionKey: {key},")
        lines.append(f"      command: {swift_string(o['command'])}, objectKind: {swift_string(o['kind'])},")
        lines.append(f"      isInstantTest: {str(o['instant']).lower()}, tag: {swift_string(o['tag'])},")
        fields = "nil" if o["request_fields"] is None else swift_array(o["request_fields"])
        lines.append(f"      requestFields: {fields},")
        lines.append(f"      responseFields: {swift_array(o['response_fields'])}),")
    lines.append("  ]")
    lines.append("}")
    lines.append("")
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    reads = sum(1 for o in ops if o["access"] == "read")
    print(f"wrote {len(ops)} operations ({reads} read, {len(ops) - reads} write, "
          f"{sum(1 for o in ops if o['paginated'])} paginated) to {os.path.relpath(args.out, root)}")


if __name__ == "__main__":
    main()
