"""Malformed requests against every route in the URL map, by every method it takes, as a visitor,
a fan, staff and an admin: nested and oversized JSON, huge and negative numbers, impossible
dates, NUL, lone surrogates, bytes that are not UTF-8. No answer may be a server error, and no
value PostgreSQL would refuse (a NUL, an integer past its columns) may reach the database, so the
SQLite run finds those too.

A fixed set of payloads, the same on every run: a failure names the request that caused it. Each
route gets all of them from the least trusted role the permission matrix lets in (whose requests
go furthest into it), and the first one from every other role (whose refusal must hold too).
"""

import functools

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import event
from wtforms.fields.core import UnboundField

from forum.accounts import tokens
from forum.api.core import OPERATIONS
from forum.api.schemas import BODIES
from forum.database import INT_MAX
from forum.extensions import db, limiter
from forum.webhooks import services as webhook_services
from tests import factories
from tests.test_permissions import ACCESS, API_ACCESS, _sample_content

ROLES = ("visitor", "fan", "staff", "admin")
# The role that sends a route every payload, by the route's access level in the matrix.
FUZZED_BY = {"public": "visitor", "member": "fan", "own": "fan", "staff": "staff", "reviews": "staff", "admin": "admin"}
PROBES = 1

# Text as it arrives in a query string or a urlencoded form, percent-encoding included.
HOSTILE_TEXT = (
    "99999999999999999999",
    "-1",
    "2026-02-30",
    "99999-01-01",
    "next+tuesday",
    "%00",
    "%ED%A0%80",  # a lone surrogate, as a careless encoder writes one in UTF-8
    "%FF%FE",  # not UTF-8 at all
    "1,2,99999999999999999999,-1,x",
    "%C2%B2",  # '²', a digit to str.isdigit() and not to int()
    "x" * 1000,
    # Page cursors we did not make (base64 of JSON lists): past 64 bits, NaN, a NUL.
    "WzEsOTk5OTk5OTk5OTk5OTk5OTk5OTld",
    "WyJ4Iiw5OTk5OTk5OTk5OTk5OTk5OTk5OV0",
    "WzFlMzA4LC05OTk5OTk5OTk5OTk5OTk5OTk5OV0",
    "Wzk5OTk5OTk5OTk5OTk5OTk5OTk5XQ",
    "W05hTiwxXQ",
    "WyJcdTAwMDAiLDFd",
)
# JSON values for every field of every body, and bodies that are wrong as a whole.
HOSTILE_JSON = (
    "99999999999999999999",
    "-99999999999999999999",
    "-1",
    "1e308",
    '"2026-02-30"',
    '"99999-01-01T00:00:00"',
    '"next tuesday"',
    '"\\u0000"',
    '"\\ud800"',
    '"' + "x" * 3000 + '"',
    "[" * 40 + "]" * 40,
    '[1, 2, 99999999999999999999, -1, "x"]',
    '{"a": null}',
    "null",
)
HOSTILE_BODIES = (
    "[" * 100_000,
    '{"title": ' + "[" * 50_000,
    '{"title": ' + "[" * 50_000 + "]" * 50_000 + ', "body": "x"}',
    '"a string"',
    "\udcff",  # sent as the byte 0xff: not UTF-8
)
# Path arguments: hostile values each converter lets through to the view.
HOSTILE_PATH = {
    "IntegerConverter": ("99999999999999999999", "0"),
    "UnicodeConverter": ("%00", "%ED%A0%80", "%FF", "x" * 300),
    "PathConverter": ("%00", "..%2F..%2Fapp.py"),
}
# The query parameters pages read (their forms' fields are added below); the API's come from
# its operations.
PAGE_QUERY = ("q", "page", "cursor", "sort", "status", "type", "community", "challenge", "since", "min_votes",
              "limit", "format", "next", "before", "action", "actor", "comments_after", "period", "v")  # fmt: skip
# Forms that pages show several of at once carry a prefix.
FORM_PREFIXES = ("", "promote-", "assign-", "merge-", "grant-", "lang-", "token-", "update-", "event-", "review-",
                 "note-")  # fmt: skip


@functools.cache
def form_fields():
    names, pending = set(), list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        names.update(name for name in dir(form) if isinstance(getattr(form, name, None), UnboundField))
    return sorted(prefix + name for prefix in FORM_PREFIXES for name in names)


@functools.cache
def query_names():
    api = {param.name for operation in OPERATIONS.values() for param in operation.params if param.where == "query"}
    return sorted(api | set(PAGE_QUERY) | {name.split("-")[-1] for name in form_fields()})


def body_shape(schema):
    """{field: None, or the shape of the object it holds} for a body's schema."""
    shape = {}
    for name, field in schema.get("properties", {}).items():
        nested = [option for option in [field, *field.get("anyOf", ())] if "properties" in option]
        shape[name] = body_shape(nested[0]) if nested else None
    return shape


@functools.cache
def body_fields():
    shape = {}
    for schema in BODIES.values():
        shape.update(body_shape(schema))
    return shape


def json_body(shape, value):
    fields = (f'"{name}": {json_body(inner, value) if inner else value}' for name, inner in shape.items())
    return "{" + ", ".join(fields) + "}"


def payloads(api, method):
    """(query string, body, content type) for one route and method, in a fixed order."""
    fields = form_fields()
    names = query_names()
    if api and method != "GET":
        for value in HOSTILE_JSON:
            yield "", json_body(body_fields(), value).encode("ascii"), "application/json"
        for body in HOSTILE_BODIES:
            yield "", body.encode("utf-8", "surrogateescape"), "application/json"
    for value in HOSTILE_TEXT:
        query = "&".join(f"{name}={value}" for name in names)
        body = "&".join(f"{name}={value}" for name in fields) if method != "GET" else ""
        yield query, body.encode("ascii"), "application/x-www-form-urlencoded"


def requests(app, samples, role):
    """(method, path, query, body, content type) for every route and method: the sample path with
    each payload, then each path argument made hostile in turn; or, for a route `role` is not the
    one to fuzz, the first PROBES payloads."""
    # Logging out ends the session, so it goes last.
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint == "accounts.logout")
    for rule in rules:
        values = {name: samples[name] for name in rule.arguments}
        path = rule.build(values)[1]
        api = rule.endpoint.startswith("api.")
        fuzz = FUZZED_BY[(API_ACCESS if api else ACCESS)[rule.endpoint]] == role
        for number, method in enumerate(sorted(rule.methods - {"HEAD", "OPTIONS"})):
            for count, (query, body, content_type) in enumerate(payloads(api, method)):
                if count == PROBES and not fuzz:
                    break
                yield method, path, query, body, content_type
            # A path names the same row whatever the method: its hostile forms go with the first.
            for name in rule.arguments if fuzz and number == 0 else ():
                kind = type(rule._converters[name]).__name__
                if kind == "AnyConverter":
                    continue  # a value outside its list matches no route: the router's own 404
                mark = "7316842095" if kind == "IntegerConverter" else "fuzz-mark"
                marked = rule.build({**values, name: mark})[1]
                for hostile in HOSTILE_PATH[kind]:
                    yield method, marked.replace(mark, hostile), "", b"", None


@pytest.fixture
def samples(app, community, users):
    grant = users["staff"].community_roles[0]
    content = _sample_content(community, users)
    token = factories.door(tokens.issue_token, users["fan"], "fuzz")[0]
    hook = factories.door(
        webhook_services.create_webhook, users["staff"], community, "https://hooks.example.com/in", ["vote.created"]
    ).webhook
    return {
        **content,
        "target_id": content["solution_id"],
        "name": "missing.png",
        "kind": "solution",
        "action": "lock",
        "slug": community.slug,
        "user_id": users["fan"].id,
        "grant_id": grant.id,
        "username": users["fan"].username,
        "code": "en",
        "theme": "dark",
        "filename": "app.css",
        "token_id": token.id,
        "token": "not-a-mailed-link",
        "provider": "brand",
        "webhook_id": hook.id,
        "delivery_id": 1,  # none yet: the replay's 404 is the answer to check
    }


@pytest.fixture
def unlimited():
    """Thousands of requests would spend every rate limit in the first few routes."""
    enabled, limiter.enabled = limiter.enabled, False
    yield
    limiter.enabled = enabled


@pytest.fixture
def refused_by_postgres(app):
    """What reached the database that PostgreSQL would have refused."""
    seen = []

    def check(_connection, _cursor, statement, parameters, _context, _many):
        rows = parameters if isinstance(parameters, list) else [parameters]
        for row in rows:
            for value in row.values() if isinstance(row, dict) else row or ():
                if isinstance(value, str) and "\x00" in value:
                    seen.append(("NUL", statement[-200:], row))
                elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > INT_MAX + 1:
                    seen.append((value, statement[-200:], row))

    event.listen(db.engine, "before_cursor_execute", check)
    yield seen
    event.remove(db.engine, "before_cursor_execute", check)


@pytest.mark.parametrize("role", ROLES)
def test_no_malformed_request_is_a_server_error(app, users, login, samples, unlimited, refused_by_postgres, role):
    client = app.test_client() if role == "visitor" else login(users[role])
    headers = {} if role == "visitor" else {"Authorization": f"Bearer {tokens.issue_token(users[role], 'fuzz')[1]}"}
    failures, sent = [], 0
    for method, path, query, body, content_type in requests(app, samples, role):
        auth = headers if path.startswith("/api/") else {}
        response = client.open(path, method=method, query_string=query, data=body, content_type=content_type,
                               headers=auth)  # fmt: skip
        sent += 1
        # tests/conftest.py's sign-in provider does not answer, by design: starting a sign-in with it
        # is refused with a 503 that names it ("... is not answering"), whatever the payload.
        unreachable = response.status_code == 503 and path.startswith(("/login/with/", "/account/sign-in/"))
        if response.status_code >= 500 and not unreachable:
            failures.append(f"{method} {path}?{query[:80]} {body[:80]!r} -> {response.status_code}")
    assert sent > 200
    assert failures == [], f"{len(failures)} of {sent} requests failed, e.g. " + "\n".join(failures[:20])
    assert refused_by_postgres == [], refused_by_postgres[:10]
