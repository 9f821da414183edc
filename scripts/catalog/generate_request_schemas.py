#!/usr/bin/env python3
"""Generate the request-body schemas of the ThousandEyes API v7 for terun's client.

Reads the official OpenAPI description (thousandeyes.yaml) and writes
Sources/ThousandEyes/Catalog/RequestSchemas+Generated.swift: one compact JSON
table, committed so the project builds without ../shared. The `te` module checks
every planned and every live write against it (required, read-only, types, enums,
formats, ranges) before the API sees it.

This generator belongs to the client, beside generate.py (the operation catalog).
The simulator has its own, independent one: the two must not share code, so that
the simulator stays an oracle for the client.

Usage (from the repository root):
    python3 scripts/catalog/generate_request_schemas.py [--spec DIR] [--out FILE]

The table (keys are short to keep the file small):
    {"ops": {operationId: {"body": NODE, "required": bool}}, "defs": {name: NODE}}
A NODE may hold:
    type       "string" | "integer" | "number" | "boolean" | "array" | "object"
    props      {name: NODE}          object properties (allOf parts merged; a required
                                     property the spec does not declare is {}: any value)
    req        [name, ...]           required properties
    extra      NODE | true | false   additionalProperties, when the spec gives it
    items      NODE                  array items
    enum       [value, ...]
    fmt        format (date-time, email, uuid, ipv4, int32, ...)
    min, max, exMin, exMax           numeric range (exMin/exMax: exclusive bounds)
    minLen, maxLen, minItems, maxItems
    ro         true: readOnly, never sent in a request
    wo         true: writeOnly, never returned as sent (a password, or a test's id lists)
    nullable   true: null is accepted
    any        [NODE, ...]           anyOf / oneOf: one alternative must fit
    ref        name of a NODE in defs
"""

import argparse
import json
import os

import yaml

METHODS = ("post", "put", "patch")


class Builder:
    def __init__(self, spec):
        self.spec = spec
        self.schemas = spec["components"]["schemas"]
        self.defs = {}

    def ref_name(self, ref):
        assert ref.startswith("#/components/schemas/"), ref
        return ref.rsplit("/", 1)[1]

    def define(self, name):
        if name not in self.defs:
            self.defs[name] = None  # placeholder: breaks reference cycles
            self.defs[name] = self.node(self.schemas[name])
        return {"ref": name}

    def flatten(self, schema, depth=0):
        """A schema with its allOf parts (and their references) merged into one dict."""
        if depth > 20:
            raise ValueError("allOf nesting too deep")
        if "$ref" in schema:
            target = self.schemas[self.ref_name(schema["$ref"])]
            merged = self.flatten(target, depth + 1)
            for key, value in schema.items():
                if key != "$ref":
                    merged[key] = value
            return merged
        merged = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema.get("allOf", []):
            flat = self.flatten(part, depth + 1)
            props = dict(flat.get("properties", {}))
            props.update(merged.get("properties", {}))
            if props:
                merged["properties"] = props
            required = list(merged.get("required", []))
            required += [r for r in flat.get("required", []) if r not in required]
            if required:
                merged["required"] = required
            for key, value in flat.items():
                if key not in ("properties", "required"):
                    merged.setdefault(key, value)
        return merged

    def node(self, schema):
        if schema is None:
            return {}
        if "$ref" in schema and "allOf" not in schema:
            out = self.define(self.ref_name(schema["$ref"]))
            if schema.get("readOnly"):
                out = dict(out, ro=True)
            if schema.get("nullable"):
                out = dict(out, nullable=True)
            return out
        schema = self.flatten(schema)
        out = {}
        kind = schema.get("type")
        if kind:
            out["type"] = kind
        elif "properties" in schema:
            out["type"] = "object"
        if "properties" in schema:
            out["props"] = {name: self.node(value) for name, value in schema["properties"].items()}
        if schema.get("required"):
            out["req"] = list(schema["required"])
            # The spec requires some fields it does not declare (a sip-server test's `port`):
            # such a field is accepted with any value, or no body could ever be valid.
            if "props" in out:
                for name in out["req"]:
                    out["props"].setdefault(name, {})
        if "additionalProperties" in schema:
            extra = schema["additionalProperties"]
            out["extra"] = extra if isinstance(extra, bool) else self.node(extra)
        if "items" in schema:
            out["items"] = self.node(schema["items"])
        if "enum" in schema:
            out["enum"] = [v for v in schema["enum"] if v is not None]
        if "format" in schema:
            out["fmt"] = schema["format"]
        for src, dst in (("minimum", "min"), ("maximum", "max"), ("minLength", "minLen"),
                         ("maxLength", "maxLen"), ("minItems", "minItems"), ("maxItems", "maxItems")):
            if src in schema:
                out[dst] = schema[src]
        if schema.get("exclusiveMinimum") is True:
            out["exMin"] = True
        if schema.get("exclusiveMaximum") is True:
            out["exMax"] = True
        if schema.get("readOnly"):
            out["ro"] = True
        if schema.get("writeOnly"):
            out["wo"] = True
        if schema.get("nullable"):
            out["nullable"] = True
        alternatives = schema.get("anyOf") or schema.get("oneOf")
        if alternatives:
            out["any"] = [self.node(a) for a in alternatives]
        return out


def request_body(spec, op):
    body = op.get("requestBody")
    if body is None:
        return None
    if "$ref" in body:
        body = spec["components"]["requestBodies"][body["$ref"].rsplit("/", 1)[1]]
    media = body.get("content", {}).get("application/json")
    if media is None or "schema" not in media:
        return None
    return media["schema"], bool(body.get("required", False))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", ".."))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default=os.path.join(root, "..", "shared", "thousandeyes-api"))
    parser.add_argument(
        "--out", default=os.path.join(root, "Sources", "ThousandEyes", "Catalog", "RequestSchemas+Generated.swift"))
    args = parser.parse_args()

    spec = yaml.safe_load(open(os.path.join(args.spec, "thousandeyes.yaml")))
    builder = Builder(spec)
    ops = {}
    for path, item in spec["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            found = request_body(spec, op)
            if found is None:
                continue
            schema, required = found
            ops[op["operationId"]] = {"body": builder.node(schema), "required": required}

    table = {"ops": dict(sorted(ops.items())), "defs": dict(sorted(builder.defs.items()))}
    text = json.dumps(table, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert '"#' not in text
    # Lines of about 110 characters, cut after a comma (outside strings it does not matter: the
    # Swift side joins the lines back without separators).
    lines, line = [], ""
    for chunk in text.split(","):
        piece = chunk + ","
        if len(line) + len(piece) > 110 and line:
            lines.append(line)
            line = ""
        line += piece
    lines.append(line[:-1])
    out = [
        "// Generated by scripts/catalog/generate_request_schemas.py from the ThousandEyes API v7",
        f"// OpenAPI description (version {spec['info']['version']}). Do not edit by hand: rerun the script.",
        "",
        "extension RequestSchemaTable {",
        f"  /// The request-body schemas of the {len(ops)} operations that take a JSON body, as compact",
        "  /// JSON split into lines (joined without separators before parsing).",
        "  static let generatedLines: [String] = [",
    ]
    for l in lines:
        out.append("    #\"" + l + "\"#,")
    out += ["  ]", "}", ""]
    with open(args.out, "w") as f:
        f.write("\n".join(out))
    print(f"wrote {len(ops)} request schemas ({len(builder.defs)} definitions) to {os.path.relpath(args.out, root)}")


if __name__ == "__main__":
    main()
