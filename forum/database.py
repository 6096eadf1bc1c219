"""Engine setup (SQLite pragmas, PostgreSQL pooling, migrations) and the small SQL helpers services share."""

import functools
import os
import re

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite

from forum import transaction
from forum.errors import NotFound
from forum.extensions import db, migrate

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "migrations")
SQLITE_BUSY_TIMEOUT_MS = 10_000

# The largest value an INTEGER column holds (32 bits on PostgreSQL; ids are INTEGER).
INT_MAX = 2**31 - 1
# ASCII digits only: int() also reads "١٢", "1_000" and four thousand digits before it gives up.
_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")


def init_app(app):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    if uri.startswith("sqlite"):
        options.setdefault("connect_args", {}).setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    else:
        # A restarted database server must not leave dead connections in the pool.
        options.setdefault("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _configure_sqlite(db.engine)


def is_sqlite():
    return db.engine.dialect.name == "sqlite"


def _configure_sqlite(engine):
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Transactions begin as the door says (forum/transaction.py), so pysqlite must not open
        # them on its own.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    transaction.configure_sqlite(engine)


def insert_new(model, **values):
    """Insert a row unless it would break a unique constraint; returns whether it was inserted.

    One statement (INSERT ... ON CONFLICT DO NOTHING) instead of a check, a savepoint and a
    caught IntegrityError."""
    insert = sqlite.insert if is_sqlite() else postgresql.insert
    table = model.__table__  # a plain INSERT on the table: the ORM's bulk-insert path costs more
    # RETURNING rather than rowcount, which psycopg leaves at -1 for an INSERT.
    stmt = insert(table).values(**values).on_conflict_do_nothing().returning(table.c.id)
    return db.session.execute(stmt).first() is not None


def get_or_raise(model, options=(), **criteria):
    """The one row of `model` matching `criteria` (by primary key when given `id`), loaded with
    the ORM `options` given.

    Raises NotFound with the model's `not_found_message`.
    """
    if not all(_storable(value) for value in criteria.values()):
        # An id past the integer columns or a NUL in a slug cannot name a row; drivers would raise.
        raise NotFound(getattr(model, "not_found_message", None))
    if criteria.keys() == {"id"}:
        row = db.session.get(model, criteria["id"], options=options)
    else:
        row = db.session.execute(db.select(model).filter_by(**criteria).options(*options)).scalar_one_or_none()
    if row is None:
        raise NotFound(getattr(model, "not_found_message", None))
    return row


def _storable(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return sql_int(value) is not None
    if isinstance(value, str):
        return "\x00" not in value
    return True


def sql_int(value, minimum=-INT_MAX - 1):
    """`value` (an int, or its text in ASCII digits) as an int an INTEGER column holds, at least
    `minimum`; None for anything else.

    The one range check of integers on their way to SQL (ids in a path, a query, a form field or
    a list for IN (...)): drivers raise on a value past the column (OverflowError on SQLite past
    64 bits, an error on PostgreSQL past 32) instead of finding nothing."""
    if isinstance(value, str):
        value = value.strip()
        value = int(value) if _INTEGER.fullmatch(value) else None
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    return value if minimum <= value <= INT_MAX else None


def sql_ids(values):
    """The ids among `values` (ints or text) a row could have, each once, in their order; the
    rest are left out."""
    ids = (sql_int(value, minimum=1) for value in values or ())
    return list(dict.fromkeys(value for value in ids if value is not None))


def increment(row, column, delta=1):
    """Add `delta` to a count kept on `row`, in SQL (never read-modify-write in Python, so
    concurrent transactions add up), and return the new value."""
    value = db.session.execute(_increment_statement(row.__table__, column), {"row_id": row.id, "delta": delta})
    db.session.expire(row, [column])
    return value.scalar_one()


def store(row, column, value):
    """Set one column of `row` in SQL (a cached plain UPDATE, like increment's)."""
    db.session.execute(_store_statement(row.__table__, column), {"row_id": row.id, "value": value})
    db.session.expire(row, [column])


@functools.cache
def _store_statement(table, column):
    return sa.update(table).where(table.c.id == sa.bindparam("row_id")).values({column: sa.bindparam("value")})


@functools.cache
def _increment_statement(table, column):
    # Built once and run as plain SQL on the table: an ORM UPDATE ... RETURNING costs ~5x as much,
    # and counts move on every vote and comment.
    return (
        sa.update(table)
        .where(table.c.id == sa.bindparam("row_id"))
        .values({column: table.c[column] + sa.bindparam("delta")})
        .returning(table.c[column])
    )
