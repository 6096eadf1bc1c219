"""The health check behind /healthz: whether the database takes a write and the search index can
be read, each answered on its own, so whoever watches the forum sees which one failed.

Reading is not enough: a full disk, a read-only file or a PostgreSQL standby all answer reads
and refuse every post. So the check commits a write, the one write a GET makes, to a table of its
own: one row per node, which nothing else reads.
"""

import os
import socket
from datetime import datetime

from flask import current_app
from sqlalchemy import String, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from forum.clock import utcnow
from forum.database import insert_new
from forum.extensions import db
from forum.search import index, pg
from forum.transaction import unit_of_work


class HealthProbe(db.Model):
    __tablename__ = "health_probe"

    id: Mapped[int] = mapped_column(primary_key=True)
    node: Mapped[str] = mapped_column(String(255), unique=True)
    checked: Mapped[datetime]


def check():
    """{"database": ..., "search_index": ...}, each "ok" or the reason it failed."""
    return {"database": _database(), "search_index": _search_index()}


def _database():
    node, now = socket.gethostname()[:255], utcnow()
    try:
        with unit_of_work():
            if not insert_new(HealthProbe, node=node, checked=now):
                db.session.execute(update(HealthProbe).where(HealthProbe.node == node).values(checked=now))
    except SQLAlchemyError as error:
        return f"cannot write: {_first_line(error)}"
    return "ok"


def _search_index():
    if current_app.config["SEARCH_BACKEND"] == "postgres":
        problem = pg.table_ready()
        return "ok" if problem is None else f"cannot read: {problem}"
    for attempt in range(index.OPEN_ATTEMPTS):
        try:
            index.open_index(create=False)  # opens the table of contents and touches every segment
            return "ok"
        except index.IndexUnavailable as error:
            # A consumer's commit may have replaced the table of contents just as it was read
            # (0.5% of checks during steady posting said so): only a failure every time is real.
            if attempt == index.OPEN_ATTEMPTS - 1 or not index.index_dir() or _missing():
                return f"cannot read: {_first_line(error)}"
    return "ok"


def _missing():
    return not os.path.isdir(index.index_dir())


def _first_line(error):
    detail = getattr(error, "orig", None) or error  # the driver's message, not SQLAlchemy's wrapper
    return (str(detail).strip().splitlines() or [type(detail).__name__])[0][:200]
