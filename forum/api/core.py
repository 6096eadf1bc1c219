"""The /api/v1 blueprint and what every endpoint shares: declaring an operation (its route and its
OpenAPI description in one place), reading query parameters and JSON bodies against their schemas,
and paged list responses."""

import functools
from dataclasses import dataclass, field
from datetime import UTC, datetime

import jsonschema
from flask import Blueprint, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from forum.database import sql_int
from forum.errors import DomainError, Unauthorized
from forum.permissions import is_member
from forum.transaction import SAFE_METHODS, writes
from forum.validation import JSONRefused, request_json

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# (rule, method) -> Operation, filled in as the resource modules are imported.
OPERATIONS = {}
# What a failed JSON Schema keyword means, for the error's message.
MESSAGES = {
    "required": _l("This field is required."),
    "additionalProperties": _l("This field is not accepted here."),
    "type": _l("This value has the wrong type."),
    "enum": _l("This value is not one of the allowed choices."),
    "minimum": _l("This number is too small."),
    "maximum": _l("This number is too large."),
    "minLength": _l("This value is too short."),
    "maxLength": _l("This value is too long."),
    "maxItems": _l("This list is too long."),
    "format": _l("This value is not in the expected format."),
}


class InvalidJSON(DomainError):
    status = 400
    code = "invalid_json"


class InvalidField(DomainError):
    status = 422
    code = "invalid_field"


@dataclass
class Param:
    """A query or path parameter: its name, JSON schema and description."""

    name: str
    schema: dict
    description: str = ""
    where: str = "query"
    required: bool = False


@dataclass
class Operation:
    """What the OpenAPI document says of one route and method (OPERATIONS is keyed by those)."""

    summary: str
    tag: str
    params: list = field(default_factory=list)
    # The name of the request body's schema in schemas.BODIES.
    body: str | None = None
    # status -> (description, schema or None)
    responses: dict = field(default_factory=dict)
    # None: anyone; "member": a token is needed; a description of who else is refused.
    auth: str | None = None
    produces: str = "application/json"


def operation(rule, method, *, summary, tag, params=(), body=None, responses, auth=None, produces=None, name=None):
    """Register the view for `method rule` and describe it for the OpenAPI document."""

    def register(view):
        spec = Operation(summary, tag, list(params), body, responses, auth)
        if produces:
            spec.produces = produces
        OPERATIONS[(bp.url_prefix + rule, method)] = spec
        endpoint = name or view.__name__
        bp.add_url_rule(rule, endpoint=endpoint, view_func=_guarded(view, spec, method), methods=[method])
        return view

    return register


def _guarded(view, spec, method):
    """The endpoint as served: refused without a token where one is needed, and, for every method
    that may change state, run in one unit of work (the API's doors say so by their method)."""
    door = view if method in SAFE_METHODS or getattr(view, "opens_own_unit", False) else writes(view)

    @functools.wraps(view)  # keeps the name Flask-Limiter knows the view's limits by
    def endpoint(**kwargs):
        if spec.auth and not is_member(current_user):
            raise Unauthorized(_l("Send a token in the Authorization header: Bearer <token>."))
        return door(**kwargs)

    return endpoint


def query(params):
    """The endpoint's query parameters, converted and checked: {name: value or None}.
    Raises InvalidField naming the parameter at fault."""
    values = {}
    for param in params:
        if param.where != "query":
            continue
        raw = request.args.get(param.name)
        if raw is None or raw == "":
            if param.required:
                raise InvalidField(_l("This parameter is required."), field=param.name)
            values[param.name] = param.schema.get("default")
            continue
        value = _convert(raw, param)
        _check(value, param.schema, param.name)
        values[param.name] = value
    return values


def json_body(schema):
    """The request's JSON object, checked against `schema`. Raises InvalidJSON or InvalidField."""
    data = json_payload()
    if not isinstance(data, dict):
        raise InvalidJSON(_l("Send a JSON object with Content-Type: application/json."), field="body")
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        raise InvalidField(_message(errors[0]), field=_field_of(errors[0]))
    _check_strings(data)
    return _integers(data, schema)


def json_payload():
    """The request's body parsed as JSON, whatever its type. Raises InvalidJSON (field `body`)
    naming what is wrong: no JSON content type, too large, nested too deeply, not JSON."""
    try:
        return request_json()
    except JSONRefused as error:
        raise InvalidJSON(error.message, field="body") from None


def _integers(data, schema):
    """JSON Schema counts 13.0 as an integer; the database and the services want 13."""
    for name, value in data.items():
        if isinstance(value, float) and _allows_integer(schema.get("properties", {}).get(name, {})):
            data[name] = int(value)
    return data


def _allows_integer(schema):
    return schema.get("type") == "integer" or any(_allows_integer(option) for option in schema.get("anyOf", ()))


def page(items, next_cursor, **url_args):
    """A list response: the items and the URL of the next page (None on the last)."""
    next_url = None
    if next_cursor:
        next_url = url_for(request.endpoint, **request.view_args, **url_args, cursor=next_cursor, _external=True)
    return {"items": items, "next": next_url}


def _convert(raw, param):
    kind = param.schema.get("type")
    if kind == "integer":
        value = sql_int(raw)
        if value is None:
            digits = raw.strip().lstrip("+-")
            message = _l("This number is too large.") if digits.isascii() and digits.isdigit() else None
            raise InvalidField(message or _l("Use a whole number."), field=param.name)
        return value
    if kind == "string" and param.schema.get("format") == "date-time":
        return parse_time(raw, param.name)
    if "\x00" in raw:
        raise InvalidField(_l("This value contains a character that is not allowed."), field=param.name)
    return raw


def parse_time(raw, field):
    """An ISO 8601 time as the naive UTC the database keeps. Raises InvalidField."""
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except (TypeError, ValueError):
        raise InvalidField(_l("Use an ISO 8601 time, e.g. 2026-12-01T12:00:00Z."), field=field) from None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def _check(value, schema, name):
    if schema.get("format") == "date-time":
        return
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(value))
    if error is not None:
        raise InvalidField(_message(error), field=name)


def _field_of(error):
    if error.validator == "required":
        return error.message.split("'")[1]
    if error.validator == "additionalProperties" and not error.path:
        extra = [name for name in error.instance if name not in error.schema.get("properties", {})]
        return extra[0] if extra else "body"
    return str(error.path[0]) if error.path else "body"


def _message(error):
    return MESSAGES.get(error.validator, _l("This value is not valid."))


def _check_strings(data, path=()):
    """Strings the database could not store (NUL, lone surrogates) are refused, naming the field."""
    if isinstance(data, dict):
        for key, value in data.items():
            _check_strings(value, path or (key,))
    elif isinstance(data, list):
        for value in data:
            _check_strings(value, path)
    elif isinstance(data, str):
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidField(_l("This value is not valid text."), field=path[0] if path else "body") from None
        if "\x00" in data:
            raise InvalidField(_l("This value contains a character that is not allowed."), field=path[0])
