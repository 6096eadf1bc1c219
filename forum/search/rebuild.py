"""Rebuilding the whole index from the database: in a fresh directory, swapped in when complete, so
searches keep answering from the old index while the new one is built."""

import os
import shutil

from flask import current_app
from sqlalchemy.orm import Session, joinedload
from whoosh import index as whoosh_index

from forum.challenges.models import Challenge
from forum.extensions import db
from forum.review.models import Prototype, PrototypeUpdate
from forum.search import index, pg
from forum.search.models import SearchQueue
from forum.solutions.models import Comment, Solution
from forum.transaction import unit_of_work

CHUNK = 2000


def rebuild_index():
    """Returns the number of documents written. Drains wait meanwhile (they hold the same lock
    per batch): a change a consumer indexed into the old index after the rebuild had read its
    document, its queue row deleted, would be missing from the new one. Changes stay queued and
    reach the new index once it is in place."""
    if current_app.config["SEARCH_BACKEND"] == "postgres":
        return _rebuild_postgres()
    with index.exclusive():
        return _rebuild()


def _rebuild_postgres():
    """Every document written anew in one transaction, under the drains' advisory lock: searches
    read the old documents (PostgreSQL's snapshots) until it commits, then all the new ones."""
    count = 0
    with unit_of_work():
        pg.take_drain_lock(wait=True)
        covered = db.session.execute(db.select(SearchQueue.id)).scalars().all()
        pg.clear()
        for documents in _documents():
            pg.write(documents)
            count += len(documents)
        for start in range(0, len(covered), 5000):
            db.session.execute(db.delete(SearchQueue).where(SearchQueue.id.in_(covered[start : start + 5000])))
    return count


def _rebuild():
    target = index.index_dir()
    building = target + ".building"
    shutil.rmtree(building, ignore_errors=True)
    os.makedirs(building)
    ix = whoosh_index.create_in(building, index.SCHEMA)
    # Changes queued before we start are covered by the rebuild; later ones stay queued for the
    # drain after the swap. Remember the ids themselves: ids can commit out of order.
    covered = db.session.execute(db.select(SearchQueue.id)).scalars().all()
    db.session.rollback()  # the read ends: the rebuild must not hold a transaction open
    # One writer process per core: analysing Chinese text is the slow part.
    writer = ix.writer(limitmb=256, procs=os.cpu_count() or 1, multisegment=True, **index.WRITER_OPTIONS)
    count = 0
    for documents in _documents():
        for document in documents:
            writer.add_document(**document)
        count += len(documents)
    writer.commit()
    old = target + ".old"
    shutil.rmtree(old, ignore_errors=True)
    if os.path.exists(target):
        os.rename(target, old)
    os.rename(building, target)
    shutil.rmtree(old, ignore_errors=True)
    with unit_of_work():
        for start in range(0, len(covered), 5000):
            db.session.execute(db.delete(SearchQueue).where(SearchQueue.id.in_(covered[start : start + 5000])))
    return count


def _documents():
    """Every search document, a chunk (list) at a time, read in a session of its own."""
    sources = (
        ("challenge", db.select(Challenge).options(joinedload(Challenge.community))),
        ("solution", db.select(Solution).options(joinedload(Solution.challenge))),
        ("comment", db.select(Comment).options(joinedload(Comment.challenge), joinedload(Comment.solution))),
        (
            "update",
            db.select(PrototypeUpdate).options(joinedload(PrototypeUpdate.prototype).joinedload(Prototype.solution)),
        ),
    )
    # A session of its own, emptied after each chunk, so memory stays flat on a large forum; it
    # only reads, so on SQLite it never holds the write lock.
    with Session(db.engine) as session:
        for kind, stmt in sources:
            model = stmt.column_descriptions[0]["entity"]
            last = 0
            while True:
                chunk = stmt.where(model.id > last).order_by(model.id).limit(CHUNK)
                rows = session.execute(chunk).unique().scalars().all()
                if not rows:
                    break
                documents = [index.document(kind, row) for row in rows]
                yield [document for document in documents if document is not None]
                last = rows[-1].id
                session.expunge_all()
