#!/usr/bin/env python3
"""Writes the drift cases of `rivya-codegen diff`: fixtures/drift/<case>/{old,new}.(json|yaml)
and about.txt (one line: what the case shows).

Every case is a small OpenAPI 3.1 document derived from BASE below, with one kind of edit on
one side. The committed files are the source of truth; this script only makes them easy to
review and extend. It is deterministic (needs PyYAML for the one YAML case). Expected reports
are insta snapshots beside the files (report.snap), written by `cargo insta` / INSTA_UPDATE.

Usage: scripts/drift-cases.py            # rewrite every case it knows (others are left alone)
"""

import copy
import json
import os
import shutil
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fixtures", "drift")


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema, required=True):
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def json_response(description, schema):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


BASE = {
    "openapi": "3.1.0",
    "info": {"title": "Drift base", "version": "1.0.0", "description": "A small Rivya-shaped contract."},
    "servers": [{"url": "https://rivya.ai"}],
    "security": [{"bearerAuth": ["generations:read"]}],
    "tags": [{"name": "Models"}, {"name": "Generations"}, {"name": "Files"}, {"name": "Chat"}],
    "paths": {
        "/api/v1/models": {
            "get": {
                "operationId": "listModels",
                "tags": ["Models"],
                "summary": "List models",
                "security": [],
                "responses": {"200": json_response("The catalog.", ref("ModelList"))},
            }
        },
        "/api/v1/generations": {
            "post": {
                "operationId": "createGeneration",
                "tags": ["Generations"],
                "summary": "Create a generation",
                "security": [{"bearerAuth": ["generations:create"]}],
                "parameters": [{"$ref": "#/components/parameters/IdempotencyKey"}],
                "requestBody": json_body(ref("CreateGenerationRequest")),
                "responses": {
                    "200": {
                        "description": "Created.",
                        "headers": {
                            "X-Request-Id": {"required": True, "schema": {"type": "string"}},
                            "X-RateLimit-Remaining": {"schema": {"type": "integer"}},
                        },
                        "content": {"application/json": {"schema": ref("PublicGeneration")}},
                    },
                    "400": {"$ref": "#/components/responses/Error"},
                },
            }
        },
        "/api/v1/generations/{id}": {
            "get": {
                "operationId": "getGeneration",
                "tags": ["Generations"],
                "summary": "Get a generation",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "expand", "in": "query", "schema": {"type": "string", "enum": ["result", "error"]}},
                ],
                "responses": {
                    "200": json_response("The generation.", ref("PublicGeneration")),
                    "404": {"$ref": "#/components/responses/Error"},
                },
            }
        },
        "/api/v1/files": {
            "post": {
                "operationId": "uploadFile",
                "tags": ["Files"],
                "summary": "Upload a file",
                "security": [{"bearerAuth": ["files:create"]}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file", "kind"],
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "kind": ref("MediaKind"),
                                },
                            }
                        }
                    },
                },
                "responses": {"200": json_response("Uploaded.", ref("PublicApiFile"))},
            }
        },
        "/api/v1/chat/completions/stream": {
            "post": {
                "operationId": "streamChatCompletion",
                "tags": ["Chat"],
                "summary": "Stream a chat completion",
                "security": [{"bearerAuth": ["chat:create"]}],
                "requestBody": json_body(ref("ChatCompletionRequest")),
                "responses": {
                    "200": {
                        "description": "Server-sent events.",
                        "content": {"text/event-stream": {"schema": ref("ChatStreamEvent")}},
                    }
                },
            }
        },
    },
    "webhooks": {
        "generation.succeeded": {
            "post": {
                "summary": "generation.succeeded event",
                "security": [],
                "parameters": [{"$ref": "#/components/parameters/WebhookSignature"}],
                "requestBody": json_body(ref("WebhookEvent")),
                "responses": {"2XX": {"description": "acknowledged"}},
            }
        }
    },
    "components": {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        "parameters": {
            "IdempotencyKey": {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": 255},
            },
            "WebhookSignature": {
                "name": "Rivya-Webhook-Signature",
                "in": "header",
                "required": True,
                "schema": {"type": "string"},
            },
        },
        "responses": {"Error": json_response("An error.", ref("PublicApiError"))},
        "schemas": {
            "CreateGenerationRequest": {
                "type": "object",
                "required": ["model"],
                "properties": {
                    "model": {"type": "string", "minLength": 1, "description": "Public model ID."},
                    "prompt": {"type": "string", "maxLength": 2000},
                    "params": {"type": "object", "additionalProperties": True},
                    "count": {"type": "integer", "minimum": 1, "maximum": 4, "default": 1},
                    "media_kind": ref("MediaKind"),
                    "client_request_id": {"type": ["string", "null"]},
                    "attachments": {"type": "array", "items": ref("Attachment")},
                    "reference": {"oneOf": [ref("UrlReference"), ref("FileReference")]},
                },
            },
            "Attachment": {
                "type": "object",
                "description": "A file attached to a generation; sent in requests and echoed in responses.",
                "required": ["file_id"],
                "properties": {
                    "file_id": {"type": "string"},
                    "kind": ref("MediaKind"),
                    "size": {"type": "integer", "minimum": 0, "maximum": 100},
                },
            },
            "UrlReference": {
                "type": "object",
                "required": ["url"],
                "properties": {"url": {"type": "string", "format": "uri"}},
            },
            "FileReference": {
                "type": "object",
                "required": ["file_id"],
                "properties": {"file_id": {"type": "string"}},
            },
            "PublicGeneration": {
                "type": "object",
                "required": ["id", "object", "status", "model", "created_at"],
                "properties": {
                    "id": {"type": "string"},
                    "object": {"type": "string", "const": "generation"},
                    "status": ref("GenerationStatus"),
                    "model": {"type": "string"},
                    "created_at": {"type": "string", "format": "date-time"},
                    "reserved_credits": {"type": "integer", "minimum": 0, "maximum": 1000},
                    "cost": {"type": "number"},
                    "result": {"anyOf": [ref("GenerationResult"), {"type": "null"}]},
                    "attachments": {"type": "array", "items": ref("Attachment")},
                    "source": {"oneOf": [ref("UrlReference"), ref("FileReference")]},
                    "labels": {"type": "array", "items": ref("Label"), "maxItems": 10},
                },
            },
            "GenerationStatus": {"type": "string", "enum": ["queued", "processing", "succeeded", "failed"]},
            "GenerationResult": {
                "allOf": [
                    ref("ResultBase"),
                    {
                        "type": "object",
                        "properties": {"outputs": {"type": "array", "items": ref("GenerationOutput")}},
                    },
                ]
            },
            "ResultBase": {
                "type": "object",
                "required": ["completed_at"],
                "properties": {"completed_at": {"type": "string", "format": "date-time"}},
            },
            "GenerationOutput": {
                "type": "object",
                "required": ["url", "kind"],
                "properties": {
                    "url": {"type": "string", "format": "uri"},
                    "kind": ref("MediaKind"),
                    "width": {"type": "integer"},
                },
            },
            "MediaKind": {"type": "string", "enum": ["image", "video", "audio"]},
            "Label": {
                "type": "object",
                "description": "A label; labels nest, so the type refers to itself.",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": ref("Label")},
                },
            },
            "PublicApiFile": {
                "type": "object",
                "required": ["id", "kind"],
                "properties": {
                    "id": {"type": "string"},
                    "kind": ref("MediaKind"),
                    "size_bytes": {"type": "integer"},
                },
            },
            "PublicApiError": {
                "type": "object",
                "required": ["error"],
                "properties": {"error": ref("PublicApiErrorBody")},
            },
            "PublicApiErrorBody": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": ref("PublicApiErrorCode"), "message": {"type": "string"}},
            },
            "PublicApiErrorCode": {"type": "string", "enum": ["invalid_request", "not_found", "internal_error"]},
            "ChatCompletionRequest": {
                "type": "object",
                "required": ["model", "message"],
                "properties": {
                    "model": {"type": "string"},
                    "message": {"type": "string"},
                    "temperature": {"type": "number", "minimum": 0, "maximum": 2},
                },
            },
            "ChatStreamEvent": {
                "oneOf": [ref("ChatStreamDelta"), ref("ChatStreamDone"), ref("ChatStreamError")],
                "discriminator": {
                    "propertyName": "type",
                    "mapping": {
                        "message.delta": "#/components/schemas/ChatStreamDelta",
                        "done": "#/components/schemas/ChatStreamDone",
                        "error": "#/components/schemas/ChatStreamError",
                    },
                },
            },
            "ChatStreamDelta": {
                "type": "object",
                "required": ["type", "delta"],
                "properties": {"type": {"type": "string", "const": "message.delta"}, "delta": {"type": "string"}},
            },
            "ChatStreamDone": {
                "type": "object",
                "required": ["type"],
                "properties": {"type": {"type": "string", "const": "done"}},
            },
            "ChatStreamError": {
                "type": "object",
                "required": ["type", "error"],
                "properties": {"type": {"type": "string", "const": "error"}, "error": ref("PublicApiErrorBody")},
            },
            "WebhookEvent": {
                "type": "object",
                "required": ["id", "type", "data"],
                "properties": {
                    "id": {"type": "string"},
                    "type": ref("WebhookEventType"),
                    "data": ref("PublicGeneration"),
                },
            },
            "WebhookEventType": {"type": "string", "enum": ["generation.succeeded", "generation.failed"]},
            "ModelList": {
                "type": "object",
                "required": ["object", "data"],
                "properties": {
                    "object": {"type": "string", "const": "list"},
                    "data": {"type": "array", "items": ref("PublicApiModel")},
                },
            },
            "PublicApiModel": {
                "type": "object",
                "required": ["id", "kind"],
                "properties": {
                    "id": {"type": "string"},
                    "kind": {"type": "string"},
                    "params": {"type": "array", "items": {"type": "object"}},
                },
            },
        },
    },
    "x-rivya-models": [
        {
            "id": "z-image",
            "name": "Z-Image",
            "kind": "image",
            "endpoint": "/api/v1/generations",
            "input_modes": ["text-to-image"],
            "prompt": {"required": True, "max_length": 2000},
            "status": "available",
            "api_available": True,
            "requires_files": False,
            "supports_streaming": False,
            "credits": {"unit": "per_image", "amount": 1},
            "params": [
                {"name": "aspect_ratio", "type": "enum", "required": False, "default": "1:1",
                 "enum": ["1:1", "4:3", "16:9", "9:16"]},
                {"name": "num_images", "type": "integer", "required": False, "default": 1, "minimum": 1, "maximum": 4},
                {"name": "negative_prompt", "type": "string", "required": False, "max_length": 2000},
                {"name": "seed", "type": "integer", "required": False, "minimum": 0},
                {"name": "guidance_scale", "type": "number", "required": False, "minimum": 1, "maximum": 20, "step": 0.5},
                {"name": "enable_safety_checker", "type": "boolean", "required": False, "default": True},
            ],
        },
        {
            "id": "lumen-video",
            "name": "Lumen Video",
            "kind": "video",
            "endpoint": "/api/v1/generations",
            "input_modes": ["image-to-video"],
            "prompt": {"required": False, "max_length": 1000},
            "status": "beta",
            "api_available": False,
            "requires_files": False,
            "supports_streaming": False,
            "credits": {"unit": "per_second", "amount": 3},
            "params": [
                {"name": "referenceMediaItems", "type": "array", "required": True, "min_items": 1, "max_items": 2,
                 "items": {"name": "referenceMediaItem", "type": "media", "required": True,
                           "media": {"accepted_kinds": ["image", "video"],
                                     "accepted_mime_types": ["image/png", "video/mp4"],
                                     "max_file_size_bytes": 10485760,
                                     "max_duration_seconds": 10,
                                     "requires_duration_token": False}}},
                {"name": "duration", "type": "integer", "required": True, "minimum": 2, "maximum": 10},
            ],
        },
        {
            "id": "gpt-chat",
            "name": "GPT Chat",
            "kind": "chat",
            "endpoint": "/api/v1/chat/completions",
            "input_modes": ["chat"],
            "status": "available",
            "api_available": True,
            "requires_files": False,
            "supports_streaming": True,
            "params": [
                {"name": "temperature", "in": "controls", "type": "number", "required": False, "minimum": 0, "maximum": 2},
            ],
        },
    ],
}


# ---------------------------------------------------------------------------------------------
# Edit helpers
# ---------------------------------------------------------------------------------------------

def schemas(d):
    return d["components"]["schemas"]


def props(d, schema):
    return schemas(d)[schema]["properties"]


def op(d, path, method):
    return d["paths"][path][method]


def model(d, model_id):
    return next(m for m in d["x-rivya-models"] if m["id"] == model_id)


def param(d, model_id, name):
    return next(p for p in model(d, model_id)["params"] if p["name"] == name)


def rename_schema(d, old, new):
    text = json.dumps(d)
    text = text.replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
    d2 = json.loads(text)
    s = schemas(d2)
    items = [(new if k == old else k, v) for k, v in s.items()]
    d2["components"]["schemas"] = dict(items)
    return d2


def reverse_keys(value):
    """Every object's keys in reverse order (arrays keep their order)."""
    if isinstance(value, dict):
        return {k: reverse_keys(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [reverse_keys(v) for v in value]
    return value


# ---------------------------------------------------------------------------------------------
# Cases: name -> (about, edit of new) or (about, edit of old, edit of new)
# ---------------------------------------------------------------------------------------------

CASES = {}


def case(name, about, new=None, old=None, new_format="json"):
    CASES[name] = (about, old, new, new_format)


def edit(fn):
    return fn


# No-op changes.
case("noop-identical", "Identical documents report nothing.", new=lambda d: d)
case("noop-key-order", "Every object's keys in reverse order: meaningless, reports nothing.", new=reverse_keys)
case("noop-json-to-yaml", "The same document as YAML: reports nothing.", new=lambda d: d, new_format="yaml")


def reorder_catalog(d):
    d["x-rivya-models"].reverse()
    for m in d["x-rivya-models"]:
        m["params"].reverse()
    param(d, "z-image", "aspect_ratio")["enum"].reverse()
    schemas(d)["MediaKind"]["enum"].reverse()
    return d


case("noop-reordered-catalog", "Models, their params, enum options and enum values reordered: reports nothing.",
     new=reorder_catalog)


# Operations and servers.
def ops_removed_added(d):
    del d["paths"]["/api/v1/generations/{id}"]
    d["paths"]["/api/v1/credits"] = {"get": {"operationId": "getCredits", "tags": ["Models"], "summary": "Credits",
                                             "responses": {"200": {"description": "Balance."}}}}
    return d


case("operation-removed-and-added", "An operation removed, another added.", new=ops_removed_added)


def op_renamed(d):
    o = op(d, "/api/v1/generations", "post")
    o["operationId"] = "submitGeneration"
    o["tags"] = ["Tasks"]
    return d


case("operation-id-and-tag-changed", "operationId and first tag changed: the SDK method is renamed and moved.",
     new=op_renamed)


def servers_changed(d):
    d["servers"] = [{"url": "https://api.rivya.ai"}]
    return d


case("servers-changed", "The base URL moved.", new=servers_changed)


def docs_and_deprecation(d):
    o = op(d, "/api/v1/generations/{id}", "get")
    o["summary"] = "Fetch a generation"
    o["deprecated"] = True
    props(d, "CreateGenerationRequest")["model"]["description"] = "The public model ID, from GET /api/v1/models."
    props(d, "PublicGeneration")["cost"]["deprecated"] = True
    schemas(d)["Label"]["description"] = "A label."
    op(d, "/api/v1/models", "get")["responses"]["200"]["description"] = "The model catalog."
    model(d, "z-image")["description"] = "Fast images."
    param(d, "z-image", "seed")["description"] = "Random seed."
    param(d, "z-image", "seed")["deprecated"] = True
    return d


case("docs-and-deprecation", "Descriptions, summaries and deprecation flags: documentation-only and deprecation "
     "changes (a patch release if alone).", new=docs_and_deprecation)


# Parameters.
def parameter_removed(d):
    op(d, "/api/v1/generations/{id}", "get")["parameters"].pop(1)
    return d


case("request-parameter-removed", "A query parameter removed.", new=parameter_removed)


def idempotency_removed(d):
    del op(d, "/api/v1/generations", "post")["parameters"]
    return d


case("idempotency-key-removed", "The Idempotency-Key header is no longer accepted on a POST.",
     new=idempotency_removed)


def parameters_added(d):
    ps = op(d, "/api/v1/generations/{id}", "get")["parameters"]
    ps.append({"name": "region", "in": "query", "required": True, "schema": {"type": "string"}})
    ps.append({"name": "fields", "in": "query", "schema": {"type": "string"}})
    return d


case("request-parameters-added", "A required and an optional query parameter added.", new=parameters_added)


def idempotency_required(d):
    d["components"]["parameters"]["IdempotencyKey"]["required"] = True
    return d


case("request-parameter-became-required", "Idempotency-Key became required.", new=idempotency_required)
case("request-parameter-became-optional", "Idempotency-Key was required and became optional (the reverse edit).",
     old=idempotency_required, new=lambda d: d)


def explode_changed(d):
    op(d, "/api/v1/generations/{id}", "get")["parameters"][1]["explode"] = False
    return d


case("request-parameter-serialization-changed", "A query parameter's explode changed.", new=explode_changed)


def path_param_renamed(d):
    item = d["paths"].pop("/api/v1/generations/{id}")
    item["get"]["parameters"][0]["name"] = "generation_id"
    d["paths"]["/api/v1/generations/{generation_id}"] = item
    return d


case("path-parameter-renamed", "A path parameter renamed: the route on the wire is the same.",
     new=path_param_renamed)


# Request bodies.
def body_changes(d):
    del op(d, "/api/v1/generations", "post")["requestBody"]
    op(d, "/api/v1/chat/completions/stream", "post")["requestBody"]["required"] = False
    op(d, "/api/v1/models", "get")["requestBody"] = json_body({"type": "object"}, required=False)
    return d


case("request-body-changes", "A body removed, a body made optional, an optional body added.", new=body_changes)


def body_required(d):
    op(d, "/api/v1/models", "get")["requestBody"] = json_body({"type": "object"}, required=True)
    return d


def body_optional(d):
    op(d, "/api/v1/chat/completions/stream", "post")["requestBody"]["required"] = False
    return d


case("request-body-became-required", "A body became required, and a required body was added.",
     old=body_optional, new=body_required)


def request_media(d):
    content = op(d, "/api/v1/generations", "post")["requestBody"]["content"]
    content["application/yaml"] = {"schema": ref("CreateGenerationRequest")}
    files = op(d, "/api/v1/files", "post")["requestBody"]["content"]
    files["application/octet-stream"] = {"schema": {"type": "string", "format": "binary"}}
    del files["multipart/form-data"]
    return d


case("request-media-types", "Request content types added and removed.", new=request_media)


# Responses.
def statuses(d):
    responses = op(d, "/api/v1/generations", "post")["responses"]
    responses["201"] = responses.pop("200")
    responses["429"] = {"$ref": "#/components/responses/Error"}
    del op(d, "/api/v1/generations/{id}", "get")["responses"]["404"]
    return d


case("response-status-codes", "200 became 201, a 429 was added and a 404 removed.", new=statuses)


def response_media(d):
    content = op(d, "/api/v1/generations/{id}", "get")["responses"]["200"]["content"]
    content["application/yaml"] = {"schema": ref("PublicGeneration")}
    models = op(d, "/api/v1/models", "get")["responses"]["200"]["content"]
    models["application/vnd.rivya+json"] = models.pop("application/json")
    return d


case("response-media-types", "Response content types added, removed and replaced.", new=response_media)


def headers_removed_added(d):
    headers = op(d, "/api/v1/generations", "post")["responses"]["200"]["headers"]
    del headers["X-Request-Id"]
    del headers["X-RateLimit-Remaining"]
    headers["Retry-After"] = {"schema": {"type": "integer"}}
    return d


case("response-headers-removed-and-added", "A required and an optional response header removed, one added.",
     new=headers_removed_added)


def header_optional(d):
    op(d, "/api/v1/generations", "post")["responses"]["200"]["headers"]["X-Request-Id"]["required"] = False
    op(d, "/api/v1/generations", "post")["responses"]["200"]["headers"]["X-RateLimit-Remaining"]["schema"]["minimum"] = 0
    return d


case("response-header-became-optional", "A response header may now be missing; another's schema narrowed.",
     new=header_optional)


# Security.
def auth_required(d):
    del op(d, "/api/v1/models", "get")["security"]
    return d


case("security-auth-required", "A public operation now inherits the global bearer requirement.",
     new=auth_required)


def scopes(d):
    op(d, "/api/v1/generations", "post")["security"] = [{"bearerAuth": ["generations:create", "generations:write"]}]
    op(d, "/api/v1/files", "post")["security"] = [{"bearerAuth": ["files:create"]}, {"bearerAuth": ["files:write"]}]
    return d


case("security-scopes", "One operation needs an extra scope; another accepts an alternative scope.", new=scopes)


def scheme_changed(d):
    d["components"]["securitySchemes"]["bearerAuth"] = {"type": "apiKey", "in": "header", "name": "X-Api-Key"}
    return d


case("security-scheme-changed", "The bearer scheme became an API-key header.", new=scheme_changed)


def scheme_added(d):
    d["components"]["securitySchemes"]["apiKeyAuth"] = {"type": "apiKey", "in": "header", "name": "X-Api-Key"}
    op(d, "/api/v1/files", "post")["security"] = [{"bearerAuth": []}, {"apiKeyAuth": []}]
    return d


case("security-scheme-added", "A second scheme, an API-key header, is added and one operation accepts it "
     "besides the bearer token.", new=scheme_added)


# Webhooks and SSE.
def webhooks_changed(d):
    hook = d["webhooks"].pop("generation.succeeded")
    d["webhooks"]["generation.failed"] = hook
    return d


case("webhooks-added-and-removed", "One webhook event removed, another added.", new=webhooks_changed)


def webhook_payload(d):
    schemas(d)["WebhookEvent"]["required"].remove("id")
    del props(d, "WebhookEvent")["id"]
    d["components"]["parameters"]["WebhookSignature"]["required"] = False
    return d


case("webhook-payload-changed", "A webhook payload loses a required field and its signature header may be "
     "missing: judged like a response, because the receiver reads it.", new=webhook_payload)


def sse(d):
    s = schemas(d)
    s["ChatStreamEvent"]["oneOf"] = [ref("ChatStreamDelta"), ref("ChatStreamError"), ref("ChatStreamHeartbeat")]
    mapping = s["ChatStreamEvent"]["discriminator"]["mapping"]
    del mapping["done"]
    mapping["heartbeat"] = "#/components/schemas/ChatStreamHeartbeat"
    s["ChatStreamHeartbeat"] = {"type": "object", "required": ["type"],
                                "properties": {"type": {"type": "string", "const": "heartbeat"}}}
    del s["ChatStreamDone"]
    return d


case("sse-event-types", "The `done` stream event removed, a `heartbeat` event added.", new=sse)


# Properties, both directions (Attachment is in a request and in a response).
def attachment_props_removed(d):
    a = schemas(d)["Attachment"]
    a["required"] = []
    del a["properties"]["file_id"]
    del a["properties"]["kind"]
    return d


case("property-removed-both-directions", "A required and an optional property removed from a type used in a "
     "request and a response: the response side of the optional one is only a warning.",
     new=attachment_props_removed)


def attachment_props_added(d):
    a = schemas(d)["Attachment"]
    a["required"].append("checksum")
    a["properties"]["checksum"] = {"type": "string"}
    a["properties"]["note"] = {"type": "string"}
    return d


case("property-added-both-directions", "A required and an optional property added: breaking in the request, "
     "compatible in the response.", new=attachment_props_added)


def attachment_requiredness(d):
    schemas(d)["Attachment"]["required"] = ["kind"]
    return d


case("property-requiredness-both-directions", "One property became required, another optional: each is breaking "
     "in one direction and compatible in the other.", new=attachment_requiredness)


def attachment_nullable(d):
    props(d, "Attachment")["file_id"] = {"type": ["string", "null"]}
    props(d, "CreateGenerationRequest")["client_request_id"] = {"type": "string"}
    props(d, "PublicGeneration")["result"] = ref("GenerationResult")
    return d


case("nullable-both-directions", "null allowed in a shared field (breaking only for readers), removed from a "
     "request field (breaking) and from a response field (compatible).", new=attachment_nullable)


def owner_of_generation(target):
    def edit(d):
        nullable = copy.deepcopy(schemas(d)["FileReference"])
        nullable["type"] = ["object", "null"]
        schemas(d)["NullableFileReference"] = nullable
        props(d, "PublicGeneration")["owner"] = ref(target)
        schemas(d)["PublicGeneration"]["required"].append("owner")
        return d
    return edit


case("nullable-through-ref", "A required response field's $ref moved to a nullable copy of its type: the value "
     "may now be null (breaking), whatever the names; the SDK type is renamed as well.",
     old=owner_of_generation("FileReference"), new=owner_of_generation("NullableFileReference"))

def rule(kind, extra=None):
    properties = {"type": {"type": "string", "const": kind}}
    properties.update(extra or {})
    return {"allOf": [{"type": "object", "required": ["type"], "properties": properties}, ref("ResultBase")]}


def rules_union(kinds):
    def edit(d):
        props(d, "PublicGeneration")["rule"] = {
            "oneOf": [rule(k, {f"{k}_limit": {"type": "integer"}}) for k in kinds]}
        return d
    return edit


case("union-variant-inserted-anonymous", "A response oneOf of anonymous allOf wrappers gained two alternatives in "
     "the middle: matched by their constant `type`, not by position, so the report is two additions.",
     old=rules_union(["creation", "update", "deletion", "workflows"]),
     new=rules_union(["creation", "update", "code_scanning", "copilot", "deletion", "workflows"]))


def labels_request(folded):
    def edit(d):
        label = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
        if folded:
            labels = {"oneOf": [{"type": "array", "items": {"oneOf": [{"type": "string"}, label]}}]}
        else:
            labels = {"oneOf": [{"type": "array", "items": {"type": "string"}},
                                {"type": "array", "items": label}]}
        p = props(d, "CreateGenerationRequest")
        p["labels"] = labels
        p["assignee"] = {"oneOf": [{"type": "string"}, label]} if folded else {"type": "string"}
        chat = schemas(d)["ChatCompletionRequest"]
        if folded:
            chat["required"] = ["model"]
            chat["properties"]["messages"] = {"type": "array", "items": {"type": "string"}}
            chat["anyOf"] = [{"required": ["message"]}, {"required": ["messages"]}]
        return d
    return edit


case("request-widenings", "Request values widened: a string became a oneOf holding a string, one alternative "
     "was folded into another's items, `required` became an `anyOf` of required sets. No request valid before "
     "is refused (wire widenings), but the SDK types change (SDK-only breaks).",
     old=labels_request(False), new=labels_request(True))

def attachment_range(d):
    props(d, "Attachment")["size"]["maximum"] = 500
    props(d, "CreateGenerationRequest")["count"]["maximum"] = 2
    props(d, "PublicGeneration")["reserved_credits"]["minimum"] = 1
    props(d, "ChatCompletionRequest")["temperature"]["exclusiveMaximum"] = 2
    del props(d, "ChatCompletionRequest")["temperature"]["maximum"]
    return d


case("ranges-both-directions", "Numeric ranges widened and narrowed in requests and responses.", new=attachment_range)


def lengths(d):
    p = props(d, "CreateGenerationRequest")
    p["prompt"]["maxLength"] = 1000
    del p["model"]["minLength"]
    props(d, "PublicGeneration")["labels"]["maxItems"] = 20
    props(d, "PublicGeneration")["id"]["pattern"] = "^task_"
    d["components"]["parameters"]["IdempotencyKey"]["schema"]["maxLength"] = 64
    return d


case("lengths-both-directions", "String lengths, patterns and item counts narrowed and widened.", new=lengths)


def defaults(d):
    props(d, "CreateGenerationRequest")["count"]["default"] = 2
    props(d, "PublicGeneration")["reserved_credits"]["default"] = 0
    return d


case("defaults", "A request default changed (behaviour) and a response default added (documentation).",
     new=defaults)


# Types and formats.
def request_types(d):
    p = props(d, "CreateGenerationRequest")
    p["count"] = {"type": "number", "minimum": 1, "maximum": 4, "default": 1}
    p["model"] = {"type": "integer"}
    p["prompt"] = {"description": "Any JSON value."}
    return d


case("request-types", "Request types widened (integer to number, string to any) and changed (string to "
     "integer).", new=request_types)


def response_types(d):
    p = props(d, "PublicGeneration")
    p["reserved_credits"] = {"type": "number", "minimum": 0, "maximum": 1000}
    p["cost"] = {"type": "integer"}
    p["object"] = {"type": "string", "const": "task"}
    return d


case("response-types", "Response types widened (integer to number), narrowed (number to integer) and changed "
     "(a different constant).", new=response_types)


case("type-renamed", "A schema renamed without any change of shape: the wire is the same, the SDK type is not.",
     new=lambda d: rename_schema(d, "GenerationOutput", "Output"))


def formats(d):
    del props(d, "UrlReference")["url"]["format"]
    props(d, "PublicGeneration")["created_at"]["format"] = "date"
    return d


case("formats", "A format removed from a value used in both directions and one changed in a response.",
     new=formats)


# Enums and unions.
def media_kind(d):
    schemas(d)["MediaKind"]["enum"] = ["image", "video", "3d"]
    return d


case("enum-values-both-directions", "A value added to and one removed from an enum used in requests and "
     "responses: four findings, one per direction and edit.", new=media_kind)


def error_code(d):
    schemas(d)["PublicApiErrorCode"]["enum"].append("rate_limited")
    schemas(d)["GenerationStatus"]["enum"].append("cancelled")
    return d


case("error-code-added", "A public error code added (compatible by policy) beside a new value of another "
     "response enum (breaking: the policy blesses only new error codes).", new=error_code)


def enum_opened(d):
    op(d, "/api/v1/generations/{id}", "get")["parameters"][1]["schema"] = {"type": "string"}
    schemas(d)["GenerationStatus"] = {"type": "string"}
    return d


case("enum-became-string", "Enums opened into plain strings: harmless in a request, a warning in a response.",
     new=enum_opened)
case("string-became-enum", "Plain strings closed into enums (the reverse edit).", old=enum_opened, new=lambda d: d)


def unions(d):
    s = schemas(d)
    s["InlineReference"] = {"type": "object", "required": ["data"], "properties": {"data": {"type": "string"}}}
    union = {"oneOf": [ref("UrlReference"), ref("InlineReference")]}
    props(d, "CreateGenerationRequest")["reference"] = union
    props(d, "PublicGeneration")["source"] = copy.deepcopy(union)
    return d


case("union-variants-both-directions", "The same oneOf edit (an alternative removed, one added) in a request and "
     "in a response.", new=unions)


# Indirect changes.
def via_allof_ref(d):
    g = schemas(d)["GenerationOutput"]
    g["required"] = ["kind"]
    del g["properties"]["url"]
    return d


case("indirect-ref-allof", "A required field removed from a type reached only through $ref, allOf and an "
     "array.", new=via_allof_ref)


def via_allof_base(d):
    schemas(d)["ResultBase"]["required"] = []
    return d


case("indirect-allof-member", "A field of an allOf member became optional.", new=via_allof_base)


def via_oneof(d):
    f = schemas(d)["FileReference"]
    f["required"].append("expires_at")
    f["properties"]["expires_at"] = {"type": "string", "format": "date-time"}
    return d


case("indirect-oneof", "A required field added to a oneOf alternative reached from a request and a response.",
     new=via_oneof)


def recursive(d):
    p = props(d, "Label")
    p["name"]["maxLength"] = 50
    p["color"] = {"type": "string"}
    return d


case("recursive-type", "A self-referencing type changes: the walk terminates and reports each change once.",
     new=recursive)


def mutual(d):
    s = schemas(d)
    s["Folder"] = {"type": "object", "required": ["name"],
                   "properties": {"name": {"type": "string"}, "items": {"type": "array", "items": ref("Item")}}}
    s["Item"] = {"type": "object", "required": ["id"],
                 "properties": {"id": {"type": "string"}, "parent": ref("Folder")}}
    props(d, "CreateGenerationRequest")["folder"] = ref("Folder")
    props(d, "PublicGeneration")["folder"] = ref("Folder")
    return d


def mutual_changed(d):
    d = mutual(d)
    props(d, "Item")["id"]["format"] = "uuid"
    props(d, "Folder")["name"]["maxLength"] = 100
    return d


case("recursive-mutual", "Two types that refer to each other, reached from a request and a response: each "
     "change is reported once per direction and the walk ends.", old=mutual, new=mutual_changed)


# The model catalog.
def models_added_removed(d):
    d["x-rivya-models"] = [m for m in d["x-rivya-models"] if m["id"] != "lumen-video"]
    d["x-rivya-models"].append({"id": "flux", "name": "Flux", "kind": "image", "endpoint": "/api/v1/generations",
                                "input_modes": ["text-to-image"], "status": "available", "api_available": True,
                                "params": []})
    return d


case("model-added-and-removed", "A model removed from the catalog and another added.", new=models_added_removed)


def model_params(d):
    m = model(d, "z-image")
    m["params"] = [p for p in m["params"] if p["name"] != "seed"]
    param(d, "z-image", "negative_prompt")["name"] = "avoid"
    m["params"].append({"name": "style", "type": "string", "required": False})
    m["params"].append({"name": "quality", "type": "enum", "required": True, "enum": ["draft", "final"]})
    return d


case("model-params-added-removed-renamed", "Model params removed, renamed (same type and constraints), added "
     "optional and added required.", new=model_params)


def model_param_changes(d):
    ar = param(d, "z-image", "aspect_ratio")
    ar["enum"] = ["1:1", "4:3", "16:9", "21:9"]
    param(d, "z-image", "num_images")["maximum"] = 2
    param(d, "z-image", "num_images")["required"] = True
    param(d, "z-image", "guidance_scale")["minimum"] = 0
    param(d, "z-image", "enable_safety_checker")["default"] = False
    param(d, "z-image", "seed")["type"] = "string"
    param(d, "lumen-video", "duration")["required"] = False
    param(d, "gpt-chat", "temperature")["in"] = "params"
    return d


case("model-param-changes", "Options, limits, requiredness, defaults, types and the target of model params.",
     new=model_param_changes)


def with_veo(d):
    d["x-rivya-models"].append({
        "id": "veo-3-1", "kind": "video", "name": "Veo 3.1", "endpoint": "/api/v1/generations",
        "params": [
            {"name": "duration", "type": "enum", "required": False, "default": 8, "enum": [4, 6, 8]},
            {"name": "generate_audio", "type": "enum", "required": False, "enum": [True, False]},
        ],
    })
    return d


def catalog_json_options(d):
    d = with_veo(d)
    veo = model(d, "veo-3-1")
    veo["tags"] = ["cinematic"]
    duration = param(d, "veo-3-1", "duration")
    duration["enum"] = [4, 8.0, 10]
    duration["default"] = 8.0
    audio = param(d, "veo-3-1", "generate_audio")
    audio["enum"] = [True]
    audio["max_concurrency"] = 2
    return d


case("catalog-json-options-and-unknown-members", "Numeric and boolean options removed and added (8 and 8.0 are "
     "the same option), and members the generator does not know added to a model and a param.",
     old=with_veo, new=catalog_json_options)


def model_media(d):
    items = param(d, "lumen-video", "referenceMediaItems")["items"]
    items["media"]["accepted_kinds"] = ["image"]
    items["media"]["requires_duration_token"] = True
    items["media"]["max_file_size_bytes"] = 20971520
    param(d, "lumen-video", "referenceMediaItems")["max_items"] = 4
    return d


case("model-param-media", "A media param accepts fewer kinds and needs a duration token, but larger files; the "
     "array around it accepts more items.", new=model_media)


def model_lifecycle(d):
    z = model(d, "z-image")
    z["status"] = "deprecated"
    z["sunset_at"] = "2026-12-31T00:00:00Z"
    lumen = model(d, "lumen-video")
    lumen["status"] = "available"
    lumen["api_available"] = True
    chat = model(d, "gpt-chat")
    chat["api_available"] = False
    chat["endpoint"] = "/api/v1/generations"
    return d


case("model-lifecycle", "Status, sunset, API availability and endpoint of models.", new=model_lifecycle)


def model_capabilities(d):
    z = model(d, "z-image")
    z["input_modes"] = ["text-to-image", "image-to-image"]
    z["credits"]["amount"] = 2
    z["prompt"]["max_length"] = 4000
    model(d, "gpt-chat")["supports_streaming"] = False
    lumen = model(d, "lumen-video")
    lumen["requires_files"] = True
    lumen["prompt"]["required"] = True
    return d


case("model-capabilities", "Input modes, streaming, files, prompt rules and credits of models.",
     new=model_capabilities)


CASE_NAMES_WITH_REAL_FIXTURE = "real-fixture-edited"


def real_fixture_edit(d):
    """A few realistic edits to the project's real contract."""
    s = d["components"]["schemas"]
    s["PublicApiErrorCode"]["enum"].append("content_policy_violation")
    s["GenerationStatus"]["enum"].append("cancelled")
    del s["PublicGeneration"]["properties"]["final_credits"]
    s["PublicGeneration"]["required"].remove("final_credits")
    models = {m["id"]: m for m in d["x-rivya-models"]}
    aspect = next(p for p in models["z-image"]["params"] if p["name"] == "aspect_ratio")
    aspect["enum"].remove("9:16")
    return d


def write(path, doc, fmt):
    with open(path, "w", encoding="utf-8") as f:
        if fmt == "yaml":
            yaml.safe_dump(doc, f, sort_keys=False, allow_unicode=True, width=100)
        else:
            json.dump(doc, f, indent=2, ensure_ascii=False)
            f.write("\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, (about, old_edit, new_edit, new_format) in CASES.items():
        directory = os.path.join(OUT, name)
        os.makedirs(directory, exist_ok=True)
        for stale in ("old.json", "old.yaml", "new.json", "new.yaml"):
            if os.path.exists(os.path.join(directory, stale)):
                os.remove(os.path.join(directory, stale))
        old = (old_edit or (lambda d: d))(copy.deepcopy(BASE))
        new = (new_edit or (lambda d: d))(copy.deepcopy(BASE))
        write(os.path.join(directory, "old.json"), old, "json")
        write(os.path.join(directory, f"new.{new_format}"), new, new_format)
        with open(os.path.join(directory, "about.txt"), "w", encoding="utf-8") as f:
            f.write(about + "\n")

    directory = os.path.join(OUT, CASE_NAMES_WITH_REAL_FIXTURE)
    os.makedirs(directory, exist_ok=True)
    real = os.path.join(ROOT, "fixtures", "openapi.json")
    shutil.copyfile(real, os.path.join(directory, "old.json"))
    with open(real, encoding="utf-8") as f:
        doc = json.load(f)
    write(os.path.join(directory, "new.json"), real_fixture_edit(doc), "json")
    with open(os.path.join(directory, "about.txt"), "w", encoding="utf-8") as f:
        f.write("The project's real contract against an edited copy (new error code, new status, a removed "
                "required field, a removed model param option).\n")
    print(f"wrote {len(CASES) + 1} cases under {os.path.relpath(OUT, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
