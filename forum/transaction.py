"""The unit of work: each front door that changes the forum opens one, and it commits once.

Views, API endpoints and commands say that they write (`@writes`, or `with unit_of_work():`);
services only add, flush and raise. So a door that calls two services changes both or neither,
and the jobs those services asked for (indexing, notifications) are enqueued only once the
commit has happened (forum/jobs.py listens for it).

On SQLite the unit holds the database's write lock from its start (BEGIN IMMEDIATE): a reader
cannot become a writer once another writer has committed, so a door that writes takes the lock
before it reads what its writes depend on. Reads made before the door (the session's user, an
API token) stay outside the lock. PostgreSQL needs nothing here: services lock the rows where
races matter (a fan's votes against a budget).
"""

import contextvars
import functools
from contextlib import contextmanager

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from forum.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# True while a unit of work is open in this context: transactions begun inside it write.
_writing = contextvars.ContextVar("writing", default=False)
# Set by abandon(): the open unit ends without committing.
_abandoned = contextvars.ContextVar("abandoned", default=False)


class WriteOutsideUnit(RuntimeError):
    """A request flushed changes without a door that says it writes (a GET that writes)."""


@contextmanager
def unit_of_work():
    """One transaction that commits when the block ends, or rolls back if it raises.

    Units do not nest: the outermost door owns the transaction, as Zulip's `durable=True`."""
    if _writing.get():
        raise RuntimeError("a unit of work is already open: the outermost door owns the transaction")
    token, abandoned = _writing.set(True), _abandoned.set(False)
    try:
        _take_write_lock()
        try:
            yield db.session
        except BaseException:
            db.session.rollback()
            raise
        if _abandoned.get():
            db.session.rollback()
            return
        try:
            db.session.commit()
        except BaseException:
            # A failed flush leaves the transaction to roll back; a failure after the commit
            # (an immediate job, in tests) leaves nothing to undo.
            if db.session().in_transaction() and not db.session().get_transaction().is_active:
                db.session.rollback()
            raise
    finally:
        _writing.reset(token)
        _abandoned.reset(abandoned)


def checkpoint():
    """Commit what the open unit has done so far and go on in a new transaction: for work that
    stands whatever happens next (the images a form keeps even when the rest of it is refused)."""
    if not _writing.get():
        raise RuntimeError("checkpoint() outside a unit of work")
    db.session.commit()


def abandon():
    """The door was refused (a rule said no, and the door shows why instead of raising): undo
    whatever its services wrote before refusing, and end its unit without a commit."""
    if _writing.get():
        db.session.rollback()
        _abandoned.set(True)


def writes(door):
    """Mark a view or command that changes the forum: it runs in one unit of work.

    A view that also answers GET (a form page) writes only for the methods that may change state."""

    @functools.wraps(door)
    def in_unit(*args, **kwargs):
        if has_request_context() and request.method in SAFE_METHODS:
            return door(*args, **kwargs)
        with unit_of_work():
            return door(*args, **kwargs)

    in_unit.writes = True
    return in_unit


def opens_own_unit(door):
    """Mark an API endpoint that reads what it checks first and then opens its own unit of work
    for the writes, instead of running whole in one: on SQLite the write lock is then held only
    while it writes. For the busiest door, the vote, that halves the time every other writer
    waits (what it reads first, the idea and its challenge, may be a moment old; what the rules
    count, the fan's votes, is read again inside the unit)."""
    door.opens_own_unit = True
    return door


def is_writing():
    return _writing.get()


def _take_write_lock():
    """Begin the unit's transaction as a writer on SQLite, ending a read transaction first.

    Nothing has been written before a unit, so ending the read transaction loses nothing; the ORM
    keeps what it loaded (the session's user), and whatever the writes depend on is read inside."""
    if db.engine.dialect.name != "sqlite":
        return
    if not db.session().in_transaction():
        return  # the begin listener below starts it as a writer
    connection = db.session.connection()
    if connection.info.get("write_lock"):
        return
    connection.exec_driver_sql("COMMIT")
    connection.exec_driver_sql("BEGIN IMMEDIATE")
    connection.info["write_lock"] = True


def configure_sqlite(engine):
    """SQLite begins transactions the way the door said: writers take the lock up front."""

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        writing = _writing.get()
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN DEFERRED")
        connection.info["write_lock"] = writing


def init_app(app):
    if not event.contains(Session, "before_flush", _refuse_writes_outside_units):
        event.listen(Session, "before_flush", _refuse_writes_outside_units)


def _refuse_writes_outside_units(session, _flush_context, _instances):
    # A request writes only inside a door that says so: a GET never writes. Commands, jobs and
    # tests outside requests manage their own transactions.
    if has_request_context() and not _writing.get() and (session.new or session.dirty or session.deleted):
        raise WriteOutsideUnit(f"{request.method} {request.path} changed rows outside a unit of work")
