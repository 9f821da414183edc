#!/usr/bin/env python3
"""Generate the simulator's compact request-body schema table from the official spec.

Usage: scripts/sim/gen_request_schemas.py [SPEC] > Sources/Simulator/Generated/GeneratedRequestSchemas.swift

For every operation with a JSON request body, the table holds the body schema in a compact
form the simulator's validator reads (see Sources/Simulator/Validation/RequestValidator.swift):
  {"$": name}                reference to a named definition in "defs"
  "t"   type                 "p" properties   "r" required   "ap" additionalProperties
  "ro"  readOnly (1)         "wo" writeOnly (1) "e" enum      "n" nullable (1) "i" array items
  "min"/"max" numeric bounds "xmin"/"xmax" exclusive numeric bounds
  "minL"/"maxL" string length  "minI"/"maxI" array length  "u" uniqueItems (1)
  "f"   string format (date-time, date, email, ipv4, ipv6, uuid, uri, hostname)
  "pat" pattern                "any" alternatives (oneOf/anyOf)
Each operation also lists "ro": read-only fields of its response that its request lacks.
allOf is merged here. A required field the schema does not declare (SipServerProperties
requires a top-level `port` its request schemas never declare) takes the declaration of the
same field in the operation's success response, read-only marks dropped; a field declared
in neither is accepted with any value, or no request could ever satisfy the schema.
Only definitions reachable from a request body are emitted.
"""
import json
import sys

import yaml

SPEC = sys.argv[1] if len(sys.argv) > 1 else "../shared/thousandeyes-api/thousandeyes.yaml"
spec = yaml.safe_load(open(SPEC))
schemas = spec["components"]["schemas"]
defs = {}
# Compact object nodes with a required field they do not declare: (node, field name). The
# operation being compacted fills them in from its response (see fill_undeclared).
undeclared = []
# Formats the simulator's validator checks; other formats (int32, float, ...) only name a width.
FORMATS = {"date-time", "date", "email", "ipv4", "ipv6", "uuid", "uri", "hostname"}
# JSON Schema keywords copied into the compact form: (spec keyword, compact key).
BOUNDS = [
    ("minimum", "min"), ("maximum", "max"), ("minLength", "minL"), ("maxLength", "maxL"),
    ("minItems", "minI"), ("maxItems", "maxI"), ("pattern", "pat"),
]


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
            for k in ("type", "additionalProperties", "readOnly", "writeOnly", "enum", "items", "nullable",
                      "oneOf", "anyOf", "format", "minimum", "maximum", "exclusiveMinimum",
                      "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems",
                      "uniqueItems", "pattern"):
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
    if s.get("writeOnly"):
        out["wo"] = 1
    if s.get("nullable"):
        out["n"] = 1
    if "enum" in s:
        out["e"] = s["enum"]
    for keyword, key in BOUNDS:
        if keyword in s:
            out[key] = s[keyword]
    # OpenAPI 3.0: exclusiveMinimum/exclusiveMaximum are booleans that qualify the bound.
    if s.get("exclusiveMinimum") is True and "min" in out:
        out["xmin"] = out.pop("min")
    if s.get("exclusiveMaximum") is True and "max" in out:
        out["xmax"] = out.pop("max")
    if s.get("uniqueItems"):
        out["u"] = 1
    if s.get("format") in FORMATS and s.get("type", "string") == "string":
        out["f"] = s["format"]
    if "properties" in s:
        out["p"] = {k: compact(v) for k, v in s["properties"].items()}
    if s.get("required"):
        out["r"] = sorted(set(s["required"]))
        # The spec requires some fields it never declares; see fill_undeclared.
        for name in out["r"]:
            if "properties" in s and name not in s["properties"]:
                out.setdefault("p", {})[name] = {}
                undeclared.append((out, name))
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


def success_properties(op):
    """The top-level properties of the operation's 2xx response bodies."""
    props = {}
    for code, response in op.get("responses", {}).items():
        if not code.startswith("2"):
            continue
        while "$ref" in response:
            response = spec["components"]["responses"][ref_name(response["$ref"])]
        for content in response.get("content", {}).values():
            if "schema" in content:
                for name, prop in top_properties(content["schema"]).items():
                    props.setdefault(name, prop)
    return props


def without_read_only(node):
    """A compact node (and its inline children) with read-only marks removed."""
    if isinstance(node, dict):
        return {k: without_read_only(v) for k, v in node.items() if k != "ro"}
    if isinstance(node, list):
        return [without_read_only(v) for v in node]
    return node


def fill_undeclared(op):
    """Declares the required-but-undeclared fields found so far as the response declares them."""
    response = success_properties(op)
    while undeclared:
        node, name = undeclared.pop()
        if name in response:
            declared = resolve_for_merge(response[name])
            declared = {k: v for k, v in declared.items() if k != "readOnly"}
            node["p"][name] = without_read_only(compact(declared))


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
        fill_undeclared(op)
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
# Break the single-line JSON into lines of reasonable length at commas for readable diffs,
# indented as swift-format indents a multi-line string literal.
line = ""
for ch in text:
    line += ch
    if ch == "," and len(line) > 100:
        print("  " + line)
        line = ""
print("  " + line)
print("  \"\"\"#")
