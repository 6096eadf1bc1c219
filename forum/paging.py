"""Keyset paging: a page ends with a cursor naming its last row, so page 500 costs what page 1 does."""

import base64
import json
import math
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import tuple_

from forum.database import sql_int
from forum.errors import RuleBroken
from forum.extensions import db


@dataclass
class Page:
    items: list
    next_cursor: str | None


def encode_cursor(values):
    raw = json.dumps(list(values), separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor, size):
    """The values a cursor carries. Raises RuleBroken (field `cursor`) for one we did not make."""
    if not cursor:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError:
        values = None
    if not isinstance(values, list) or len(values) != size or not all(_plain(v) for v in values):
        raise RuleBroken(_l("That page link is not valid."), field="cursor")
    return values


def _plain(value):
    # Integers within the INTEGER columns (a driver raises past them), finite floats, text
    # without NUL: a forged cursor finds nothing rather than failing the page.
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return sql_int(value) is not None
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str) and "\x00" not in value


def keyset_page(stmt, keys, cursor, limit):
    """Run `stmt` ordered by `keys` (numeric columns, all descending, the last one unique)
    from after `cursor`."""
    values = decode_cursor(cursor, len(keys))
    if values is not None:
        stmt = stmt.where(tuple_(*keys) < tuple_(*values))
    stmt = stmt.order_by(*(key.desc() for key in keys)).limit(limit + 1)
    rows = db.session.execute(stmt).scalars().all()
    if len(rows) <= limit:
        return Page(rows, None)
    rows = rows[:limit]
    last = rows[-1]
    return Page(rows, encode_cursor([getattr(last, key.key) for key in keys]))
