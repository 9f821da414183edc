#!/usr/bin/env python3
"""Generate the simulator's compact request-body schema table from the official spec.

Usage: scripts/sim/gen_request_schemas.py [SPEC] > Sources/Simulator/Generated/GeneratedRequestSchemas.swift

For every operation with a JSON request body, the table holds the body schema in a compact
form the simulator's validator reads (see Sources/Simulator/Validation/RequestValidator.swift):
  {"$": name}                reference to a named definition in "defs"
  "t"   type                 "p" properties   "r" required   "ap" additionalProperties
  "ro"  readOnly (1)         "e" enum         "n" nullable (1) "i" array items
  "min"/"max" numeric bounds "any" alternatives (oneOf/anyOf)
Each operation also lists "ro": read-only fields of its response that its request lacks.
allOf is merged here. A required field the schema does not declare is declared as "any".
Only definitions reachable from a request body are emitted.
"""
import json
import sys

import yaml

SPEC = sys.argv[1] if len(sys.argv) > 1 else "../shared/thousandeyes-api/thousandeyes.yaml"
spec = yaml.safe_load(open(SPEC))
schemas = spec["components"]["schemas"]
defs = {}


def ref_name(ref):
    return ref.split("/")[-1]


def compact(s):
    if "$ref" in s and len(s) == 1:
        name = ref_name(s["$ref"])
        if name not in defs:
            defs[name] = None
            defs[name] = compact(schemas[name])
        return {"$": name}
    if "$ref" in s:
        # A $ref with siblings: merge the siblings over the referenced schema.
        base = dict(schemas[ref_name(s["$ref"])])
        base.update({k: v for k, v in s.items() if k != "$ref"})
        return compact(base)
    out = {}
    if "allOf" in s:
        merged = {"properties": {}, "required": []}
        extra = {}
        for part in s["allOf"]:
            part = resolve_for_merge(part)
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
            for k in ("type", "additionalProperties", "readOnly", "enum", "items", "nullable",
                      "oneOf", "anyOf", "format", "minimum", "maximum", "pattern"):
                if k in part:
                    extra[k] = part[k]
        rest = {k: v for k, v in s.items() if k != "allOf"}
        merged.update(extra)
        merged["properties"].update(rest.pop("properties", {}))
        merged["required"] += rest.pop("required", [])
        merged.update(rest)
        if not merged["properties"]:
            del merged["properties"]
        if not merged["required"]:
            del merged["required"]
        return compact(merged)
    t = s.get("type")
    if t is None and "properties" in s:
        t = "object"
    if t:
        out["t"] = t
    if s.get("readOnly"):
        out["ro"] = 1
    if s.get("nullable"):
        out["n"] = 1
    if "enum" in s:
        out["e"] = s["enum"]
    if "minimum" in s:
        out["min"] = s["minimum"]
    if "maximum" in s:
        out["max"] = s["maximum"]
    if "properties" in s:
        out["p"] = {k: compact(v) for k, v in s["properties"].items()}
    if s.get("required"):
        out["r"] = sorted(set(s["required"]))
        # The spec requires some fields it never declares (SipServerProperties requires a
        # top-level `port`); such a field is accepted with any value rather than rejected as
        # unknown, or no request could ever satisfy the schema.
        for name in out["r"]:
            if "properties" in s and name not in s["properties"]:
                out.setdefault("p", {})[name] = {}
    if "additionalProperties" in s:
        ap = s["additionalProperties"]
        out["ap"] = ap if isinstance(ap, bool) else compact(ap)
    if "items" in s:
        out["i"] = compact(s["items"])
    alts = s.get("oneOf") or s.get("anyOf")
    if alts:
        out["any"] = [compact(a) for a in alts]
    return out


def resolve_for_merge(s):
    while "$ref" in s:
        extra = {k: v for k, v in s.items() if k != "$ref"}
        s = dict(schemas[ref_name(s["$ref"])])
        s.update(extra)
    if "allOf" in s:
        merged = {"properties": {}, "required": []}
        for part in s["allOf"]:
            part = resolve_for_merge(part)
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
            for k in ("type", "additionalProperties", "readOnly"):
                if k in part:
                    merged[k] = part[k]
        merged["properties"].update(s.get("properties", {}))
        merged["required"] += s.get("required", [])
        return merged
    return s


def top_properties(schema):
    s = resolve_for_merge(schema)
    return s.get("properties", {})


def response_read_only(op, request_schema):
    """Read-only fields of the operation's 2xx response that the request schema lacks.

    A client that sends a GET response back (GET, modify, PUT) sends these; the validator
    reports them as read-only rather than merely unknown."""
    request_props = top_properties(request_schema)
    names = set()
    for code, response in op.get("responses", {}).items():
        if not code.startswith("2"):
            continue
        while "$ref" in response:
            response = spec["components"]["responses"][ref_name(response["$ref"])]
        for media, content in response.get("content", {}).items():
            if "schema" not in content:
                continue
            for name, prop in top_properties(content["schema"]).items():
                if name in request_props:
                    continue
                if resolve_for_merge(prop).get("readOnly") or prop.get("readOnly") or name == "_links":
                    names.add(name)
    return sorted(names)


ops = {}
for path, item in spec["paths"].items():
    for method, op in item.items():
        if method not in ("get", "post", "put", "patch", "delete"):
            continue
        body = op.get("requestBody")
        if not body:
            continue
        content = body.get("content", {})
        media = next((m for m in content if "json" in m), None)
        if media is None or "schema" not in content[media]:
            continue
        entry = {
            "op": op["operationId"],
            "required": bool(body.get("required", False)),
            "schema": compact(content[media]["schema"]),
        }
        sent_back = response_read_only(op, content[media]["schema"])
        if sent_back:
            entry["ro"] = sent_back
        ops[method.upper() + " " + path] = entry

table = {"defs": dict(sorted(defs.items())), "ops": dict(sorted(ops.items()))}
text = json.dumps(table, separators=(",", ":"), sort_keys=False)
version = spec["info"]["version"]
print("// Generated by scripts/sim/gen_request_schemas.py from the official ThousandEyes API v7")
print(f"// spec (info.version {version}). Do not edit by hand: rerun the script.")
print()
print("/// The compact request-body schema table: one entry per operation with a JSON body.")
print("let generatedRequestSchemas = #\"\"\"")
# Break the single-line JSON into lines of reasonable length at commas for readable diffs.
line = ""
for ch in text:
    line += ch
    if ch == "," and len(line) > 100:
        print(line)
        line = ""
print(line)
print("\"\"\"#")
