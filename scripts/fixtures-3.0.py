#!/usr/bin/env python3
"""Derive fixtures/openapi-3.0.json (OpenAPI 3.0.3) from fixtures/openapi.json (OpenAPI 3.1.0).

Usage: scripts/fixtures-3.0.py [INPUT [OUTPUT]]   (OUTPUT "-" writes to stdout)

Deterministic: key order is preserved, so the output diffs cleanly against the 3.1 fixture.
Rewrites, in schemas only (never inside examples, defaults, enums or x-rivya-models):
  type: [T, "null"]                       -> type: T, nullable: true
  const: x                                -> enum: [x]
  examples: [a, ...]                      -> example: a
  exclusiveMinimum/Maximum: n             -> minimum/maximum: n, exclusiveMinimum/Maximum: true
  contentMediaType: ...                   -> format: binary
  anyOf: [{$ref}, {type: null}] + siblings -> allOf: [{$ref}], nullable: true + siblings
  $ref + sibling keywords                 -> allOf: [{$ref}] + siblings
and drops the top-level `webhooks` section, which 3.0 cannot express.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_IN = os.path.join(HERE, "..", "fixtures", "openapi.json")
DEFAULT_OUT = os.path.join(HERE, "..", "fixtures", "openapi-3.0.json")

# Keywords whose values are schemas / lists of schemas / maps of schemas.
SCHEMA_VALUED = ("items", "not", "additionalProperties")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
SCHEMA_MAPS = ("properties",)


def fail(msg):
    sys.exit(f"fixtures-3.0: {msg}")


def is_null_schema(s):
    return isinstance(s, dict) and s == {"type": "null"}


def convert_schema(schema, where):
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key == "$ref":
            if len(schema) > 1:
                out["allOf"] = [{"$ref": value}]
            else:
                out["$ref"] = value
        elif key == "type":
            if isinstance(value, list):
                types = [t for t in value if t != "null"]
                if len(types) != 1:
                    fail(f"{where}: cannot express type {value} in 3.0")
                out["type"] = types[0]
                if "null" in value:
                    out["nullable"] = True
            else:
                if value == "null":
                    fail(f"{where}: bare type null")
                out["type"] = value
        elif key == "const":
            out["enum"] = [value]
        elif key == "examples":
            if not isinstance(value, list) or not value:
                fail(f"{where}: schema examples must be a non-empty array")
            out["example"] = value[0]
        elif key in ("exclusiveMinimum", "exclusiveMaximum"):
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            if bound in schema:
                fail(f"{where}: both {bound} and {key}")
            out[bound] = value
            out[key] = True
        elif key == "contentMediaType":
            out["format"] = "binary"
        elif key in SCHEMA_LISTS:
            non_null = [s for s in value if not is_null_schema(s)]
            if key == "anyOf" and len(non_null) < len(value):
                if len(non_null) != 1:
                    fail(f"{where}: nullable anyOf must have exactly one non-null branch")
                branch = non_null[0]
                if set(branch) == {"$ref"}:
                    out["allOf"] = [{"$ref": branch["$ref"]}]
                    out["nullable"] = True
                else:
                    fail(f"{where}: nullable anyOf branch must be a plain $ref")
            else:
                out[key] = [convert_schema(s, f"{where}/{key}/{i}") for i, s in enumerate(value)]
        elif key in SCHEMA_VALUED and isinstance(value, dict):
            out[key] = convert_schema(value, f"{where}/{key}")
        elif key in SCHEMA_MAPS:
            out[key] = {name: convert_schema(s, f"{where}/{key}/{name}") for name, s in value.items()}
        else:
            # enum, default, example, discriminator, description, formats, bounds, ...: copied as is
            out[key] = value
    if "contentMediaType" in schema and out.get("type") != "string":
        fail(f"{where}: contentMediaType on a non-string schema")
    return out


def convert_parameter_like(obj, where):
    """Parameter, header or media type object: convert its `schema`, recurse into `content`/`headers`."""
    if not isinstance(obj, dict) or "$ref" in obj:
        return obj
    out = {}
    for key, value in obj.items():
        if key == "schema":
            out[key] = convert_schema(value, f"{where}/schema")
        elif key == "content":
            out[key] = {mt: convert_parameter_like(m, f"{where}/content/{mt}") for mt, m in value.items()}
        elif key == "headers":
            out[key] = {h: convert_parameter_like(m, f"{where}/headers/{h}") for h, m in value.items()}
        else:
            out[key] = value
    return out


def convert_operation(op, where):
    out = {}
    for key, value in op.items():
        if key == "parameters":
            out[key] = [convert_parameter_like(p, f"{where}/parameters/{i}") for i, p in enumerate(value)]
        elif key == "requestBody":
            out[key] = convert_parameter_like(value, f"{where}/requestBody")
        elif key == "responses":
            out[key] = {code: convert_parameter_like(r, f"{where}/responses/{code}") for code, r in value.items()}
        elif key == "callbacks":
            fail(f"{where}: callbacks are not supported by this converter")
        else:
            out[key] = value
    return out


METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def convert(doc):
    if not str(doc.get("openapi", "")).startswith("3.1"):
        fail("input is not an OpenAPI 3.1 document")
    out = {}
    for key, value in doc.items():
        if key == "openapi":
            out[key] = "3.0.3"
        elif key in ("webhooks", "jsonSchemaDialect"):
            continue
        elif key == "paths":
            paths = {}
            for path, item in value.items():
                new_item = {}
                for k, v in item.items():
                    if k in METHODS:
                        new_item[k] = convert_operation(v, f"paths/{path}/{k}")
                    elif k == "parameters":
                        new_item[k] = [convert_parameter_like(p, f"paths/{path}/parameters/{i}")
                                       for i, p in enumerate(v)]
                    else:
                        new_item[k] = v
                paths[path] = new_item
            out[key] = paths
        elif key == "components":
            comps = {}
            for section, entries in value.items():
                if section == "schemas":
                    comps[section] = {n: convert_schema(s, f"components/schemas/{n}") for n, s in entries.items()}
                elif section in ("parameters", "headers", "responses", "requestBodies"):
                    comps[section] = {n: convert_parameter_like(p, f"components/{section}/{n}")
                                      for n, p in entries.items()}
                elif section == "pathItems":
                    continue  # 3.1 only
                else:
                    comps[section] = entries
            out[key] = comps
        else:
            out[key] = value  # info, servers, tags, security, x-rivya-models, ...
    return out


def main(argv):
    src = argv[1] if len(argv) > 1 else DEFAULT_IN
    dst = argv[2] if len(argv) > 2 else DEFAULT_OUT
    with open(src, encoding="utf-8") as f:
        doc = json.load(f)
    text = json.dumps(convert(doc), indent=2, ensure_ascii=False) + "\n"
    if dst == "-":
        sys.stdout.write(text)
    else:
        with open(dst, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main(sys.argv)
