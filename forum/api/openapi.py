"""The OpenAPI 3 document, generated from the operations the resource modules declare, and served
at /api/v1/openapi.json. A route without a declaration is left out, and a test catches it."""

import re

from flask import current_app, request

from forum.api.common import ERRORS
from forum.api.core import OPERATIONS, operation
from forum.api.schemas import BODIES, OBJECTS
from forum.api.webhook_schemas import BODIES as WEBHOOK_BODIES
from forum.api.webhook_schemas import OBJECTS as WEBHOOK_OBJECTS
from forum.api.webhook_schemas import WEBHOOKS

TITLE = "Cocreate API"
VERSION = "1.0.0"
DESCRIPTION = (
    "The co-creation forum's JSON API. Send a token as `Authorization: Bearer <token>` "
    "(get one from `POST /api/v1/tokens` or `flask --app app create-token NAME`); reads of public "
    'data need none. Errors are `{"error": {"code", "message", "field"}}` with the HTTP status: '
    "400 malformed, 401 no valid token, 403 not allowed, 404 not there (or hidden from you), "
    "422 refused by a rule or invalid field, 429 rate-limited. Lists carry `next`, the URL of the "
    "next page, or null. Times are ISO 8601 in UTC."
)


def openapi_path(rule):
    """/api/v1/challenges/<int:challenge_id> -> /api/v1/challenges/{challenge_id}"""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def api_routes(app):
    """(rule, method, endpoint) of every registered API route."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.rule, method, rule.endpoint


def document(app=None):
    app = app or current_app
    paths = {}
    for rule, method, endpoint in api_routes(app):
        spec = OPERATIONS.get((rule, method))
        if spec is not None:
            paths.setdefault(openapi_path(rule), {})[method.lower()] = _operation(spec, endpoint)
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": VERSION, "description": DESCRIPTION},
        "servers": [{"url": request.url_root.rstrip("/")}] if request else [],
        "paths": paths,
        # What a webhook receives, one entry per event type (forum/api/webhook_schemas.py).
        "webhooks": WEBHOOKS,
        "components": {
            "schemas": {**OBJECTS, **BODIES, **WEBHOOK_OBJECTS, **WEBHOOK_BODIES},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def _operation(spec, endpoint):
    result = {
        "operationId": endpoint.removeprefix("api."),
        "summary": spec.summary,
        "tags": [spec.tag],
        "parameters": [_parameter(param) for param in spec.params],
        "responses": {str(status): _response(spec, status, *answer) for status, answer in spec.responses.items()},
        # A token is optional on public operations and needed on the others.
        "security": [{"bearer": []}] if spec.auth else [{}, {"bearer": []}],
    }
    if spec.auth:
        result["description"] = f"Needs a token. Allowed: {spec.auth}."
    if spec.body:
        result["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{spec.body}"}}},
        }
    return result


def _parameter(param):
    return {
        "name": param.name,
        "in": param.where,
        "required": param.required or param.where == "path",
        "description": param.description,
        "schema": param.schema,
    }


def _response(spec, status, description, schema):
    media_type = "application/json" if status == "default" else spec.produces
    return {"description": description, "content": {media_type: {"schema": schema}}}


@operation(
    "/openapi.json",
    "GET",
    summary="This document",
    tag="meta",
    responses={200: ("The OpenAPI 3 document", {"type": "object"}), **ERRORS},
)
def openapi_document():
    return document()
