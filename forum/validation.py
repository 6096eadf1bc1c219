"""Checks every service applies to user text: required, capped, with a message for the field;
and the one reading of a JSON body, capped in size and depth."""

import json

from flask import g, request
from flask_babel import lazy_gettext as _l

from forum import text
from forum.errors import RuleBroken


def checked_text(value, field, maximum, missing=None, strip=True):
    """The value (stripped for one-line fields), or RuleBroken naming `field` when it is empty
    and `missing` gives the message for that, or longer than `maximum`."""
    # PostgreSQL cannot store NUL in text, and no reader wants one.
    value = (value or "").replace("\x00", "")
    if strip:
        value = value.strip()
    if missing is not None and not value.strip():
        raise RuleBroken(missing, field=field)
    if len(value) > maximum:
        raise RuleBroken(_l("Use at most %(n)d characters.", n=maximum), field=field)
    return value


def checked_markdown(value, field, maximum, missing=None):
    """A Markdown field, checked as checked_text does, and refused when it shows pictures from
    other sites: the forum shows only its own uploads (the page's security policy blocks others)."""
    value = checked_text(value, field, maximum, missing, strip=False)
    if text.external_images(value):
        raise RuleBroken(
            _l("Pictures from other sites cannot be shown here. Attach the picture with the form instead."),
            field=field,
        )
    return value


# A body is parsed whole before it is checked, so it is capped far below Flask's
# MAX_CONTENT_LENGTH (52 MB, for image uploads; 45 MB of `{},` parsed into 900 MB of objects in
# 1.5 s). The largest body an endpoint takes, a solution of 20,000 Chinese characters, is 120 KB
# with each one escaped as \uXXXX.
JSON_MAX_BYTES = 1024 * 1024
# Python's parser recurses once a level: 100,000 `[` raised RecursionError, a 500 on every JSON
# endpoint. The API's bodies nest two levels at most.
JSON_MAX_DEPTH = 32


class JSONRefused(ValueError):
    """A request body that is not JSON the forum reads; `message` says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def request_json():
    """The request's body parsed as JSON (whatever its type), once per request: the API's rate
    limiter reads it before the endpoint does.

    Raises JSONRefused without a JSON content type, for a body larger than JSON_MAX_BYTES or
    nested deeper than JSON_MAX_DEPTH, and for text that is not JSON."""
    if "_request_json" not in g:
        try:
            g._request_json = (_parse_body(), None)
        except JSONRefused as error:
            g._request_json = (None, error)
    value, error = g._request_json
    if error is not None:
        raise error
    return value


def _parse_body():
    not_json = JSONRefused(_l("Send a JSON object with Content-Type: application/json."))
    too_large = JSONRefused(_l("Send at most %(n)d KB of JSON.", n=JSON_MAX_BYTES // 1024))
    if not request.is_json:
        raise not_json
    if (request.content_length or 0) > JSON_MAX_BYTES:
        raise too_large  # before reading a byte of it
    data = request.get_data(cache=True)
    if len(data) > JSON_MAX_BYTES:  # sent without a length
        raise too_large
    try:
        value = json.loads(data, parse_constant=_no_constant)
    except RecursionError:
        raise _too_deep() from None
    except ValueError:  # not JSON, or not UTF-8 (UnicodeDecodeError is a ValueError)
        raise not_json from None
    # A body cannot nest deeper than it has brackets, and most have fewer than the limit.
    if data.count(b"[") + data.count(b"{") > JSON_MAX_DEPTH and _deeper_than(value, JSON_MAX_DEPTH):
        raise _too_deep()
    return value


def _too_deep():
    return JSONRefused(_l("The JSON is nested too deeply: at most %(n)d levels.", n=JSON_MAX_DEPTH))


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")  # Python's parser takes NaN and Infinity; JSON does not


def _deeper_than(value, limit):
    """Whether arrays and objects nest more than `limit` levels in `value`, found without
    recursion (the checks after this one recurse)."""
    pending = [(value, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        if depth > limit:
            return True
        pending.extend((item, depth + 1) for item in value)
    return False
