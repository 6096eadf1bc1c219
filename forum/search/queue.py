"""Keeping the index in step with the database.

Every flush that changes indexed content adds a row to the search queue in the same transaction:
the queue is the outbox. After the commit a job asks the consumer to drain it: the consumer that
gets the index's lock reads the queued rows, rewrites each document from the database, commits the
index, and only then deletes the rows it handled, so a consumer killed half-way leaves its rows to
the next drain (rewriting a document twice replaces it: nothing is indexed twice). A consumer that
finds the lock taken retries shortly, in case the holder has just finished; the sweep drains every
minute whatever was left. A failure to index never fails a post, and no request drains.
"""

import logging

from flask import current_app
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from whoosh.index import LockError

from forum import jobs
from forum.challenges.models import Challenge
from forum.extensions import db
from forum.review.models import Prototype, PrototypeUpdate
from forum.search import index, pg
from forum.search.models import SearchQueue
from forum.solutions.models import Comment, Solution
from forum.transaction import unit_of_work

log = logging.getLogger(__name__)
BATCH = 500
# Attributes whose change alters a search document, per indexed model.
WATCHED = {
    "Challenge": ("challenge", {"title", "body_html", "visibility"}),
    "Solution": ("solution", {"title", "body_html", "visibility", "status"}),
    "Comment": ("comment", {"body_html", "visibility", "deleted"}),
    "PrototypeUpdate": ("update", {"body_html"}),
}


SESSION_EVENTS = (
    ("before_flush", "_collect_changes"),
    ("after_flush", "_write_rows"),
    ("after_rollback", "_forget"),
)


def init_app(app):
    # Session events are global: listen once, however many apps a process builds.
    for name, handler in SESSION_EVENTS:
        if not event.contains(Session, name, globals()[handler]):
            event.listen(Session, name, globals()[handler])


def _collect_changes(session, _flush_context, _instances):
    pending = session.info.setdefault("search_pending", set())
    with session.no_autoflush:
        for obj in [*session.new, *session.dirty, *session.deleted]:
            watched = WATCHED.get(type(obj).__name__)
            if watched is None:
                continue
            kind, attributes = watched
            if obj in session.new or obj in session.deleted or _changed(obj, attributes):
                pending.add((kind, obj))
                # A parent's visibility decides its children's: requeue them too.
                if kind in ("challenge", "solution") and obj.id is not None and _changed(obj, {"visibility"}):
                    pending.update(_children(kind, obj))


def _write_rows(session, _flush_context):
    pending = session.info.pop("search_pending", set())
    keys = sorted({f"{kind}:{obj.id}" for kind, obj in pending if obj.id is not None})
    if keys:
        session.execute(db.insert(SearchQueue), [{"key": key} for key in keys])
        jobs.after_commit("search.index")


def _forget(session):
    session.info.pop("search_pending", None)


def _changed(obj, attributes):
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in attributes if name in state.attrs)


def _children(kind, obj):

    children = []
    if kind == "challenge":
        children += [
            ("solution", s) for s in db.session.execute(db.select(Solution).filter_by(challenge_id=obj.id)).scalars()
        ]
        comments = db.select(Comment).filter_by(challenge_id=obj.id)
    else:
        comments = db.select(Comment).filter_by(solution_id=obj.id)
        updates = db.select(PrototypeUpdate).join(Prototype).where(Prototype.solution_id == obj.id)
        children += [("update", u) for u in db.session.execute(updates).scalars()]
    children += [("comment", c) for c in db.session.execute(comments).scalars()]
    return children


@jobs.job("search.index", retries=10, retry_delay=1)
def index_changes():
    """Drain the queue into the index (the job enqueued after each commit that queued changes)."""
    if drain() is None:
        raise jobs.RetryLater("another consumer is indexing")


@jobs.job("search.sweep", sweep=True)
def sweep():
    drain()


def has_pending():
    return db.session.execute(db.select(SearchQueue.id).limit(1)).first() is not None


def drain(limit=None):
    """Apply queued changes to the index until the queue is empty (or `limit` rows are done).
    Returns the number of rows applied, or None when another process is draining.

    The rows and the documents are read outside the database's write lock and the handled rows
    deleted in a short unit of work of their own, so the forum's writers never wait for the index."""
    if postgres_backend():
        return _drain_into_postgres(limit)
    done = 0
    ix = _open_or_start_index()
    while limit is None or done < limit:
        # One drain at a time, from reading its rows to deleting them. SQLite gives the id of a
        # deleted row to the next row queued: a drain that read rows before another one applied
        # and deleted them would then delete, by those ids, changes queued since and never indexed.
        with index.exclusive(wait=False) as ours:
            if not ours:
                return None if done == 0 else done
            rows = db.session.execute(
                db.select(SearchQueue.id, SearchQueue.key).order_by(SearchQueue.id).limit(BATCH)
            ).all()
            if not rows:
                break
            try:
                writer = ix.writer(timeout=0, **index.WRITER_OPTIONS)
            except LockError:
                db.session.rollback()
                return None if done == 0 else done
            try:
                for key in sorted({key for _id, key in rows}):
                    _apply(writer, key)
                writer.commit()
            except Exception:
                writer.cancel()
                db.session.rollback()
                log.exception("indexing failed; the queue keeps the changes for the next try")
                return done
            db.session.rollback()  # the reads end here
            # Exactly the rows applied: on PostgreSQL a lower id can commit after a higher one, and
            # deleting "up to the highest" would drop a change nobody indexed.
            with unit_of_work():
                db.session.execute(db.delete(SearchQueue).where(SearchQueue.id.in_([row_id for row_id, _key in rows])))
        done += len(rows)
    db.session.rollback()
    return done


def postgres_backend():
    return current_app.config["SEARCH_BACKEND"] == "postgres"


def _drain_into_postgres(limit):
    """The same drain into the database's own documents: each batch is written and its queue rows
    deleted in one transaction, under an advisory lock only one consumer holds at a time."""
    done = 0
    while limit is None or done < limit:
        with unit_of_work():
            if not pg.take_drain_lock():
                return None if done == 0 else done
            rows = db.session.execute(
                db.select(SearchQueue.id, SearchQueue.key).order_by(SearchQueue.id).limit(BATCH)
            ).all()
            if rows:
                documents, removed = [], []
                for key in sorted({key for _id, key in rows}):
                    kind, _, obj_id = key.partition(":")
                    obj = _load(kind, int(obj_id))
                    document = index.document(kind, obj) if obj is not None else None
                    if document is None:
                        removed.append(key)
                    else:
                        documents.append(document)
                pg.write(documents, removed)
                db.session.execute(db.delete(SearchQueue).where(SearchQueue.id.in_([row.id for row in rows])))
        if not rows:
            break
        done += len(rows)
    return done


def _open_or_start_index():
    """The index; when it is missing or damaged, a new empty one, rebuilt through the queue
    (searches answer from the database until it is drained). One process starts it: several
    consumers notice a missing index at once."""
    try:
        return index.open_index(create=False)
    except index.IndexUnavailable:
        pass
    with index.exclusive():
        try:
            return index.open_index(create=False)  # another process started it meanwhile
        except index.IndexUnavailable:
            log.warning("search index missing or damaged; rebuilding it")
            ix = index.reset_index()
            with unit_of_work():
                enqueue_everything()
            return ix


def _apply(writer, key):
    kind, _, obj_id = key.partition(":")
    obj = _load(kind, int(obj_id))
    document = index.document(kind, obj) if obj is not None else None
    if document is None:
        writer.delete_by_term("key", key)
    else:
        writer.update_document(**document)


def _load(kind, obj_id):

    model = {"challenge": Challenge, "solution": Solution, "comment": Comment, "update": PrototypeUpdate}[kind]
    return db.session.get(model, obj_id)


def enqueue_everything():
    """Queue every indexed row (to rebuild a lost index through the normal drain)."""

    for kind, model in (
        ("challenge", Challenge),
        ("solution", Solution),
        ("comment", Comment),
        ("update", PrototypeUpdate),
    ):
        ids = db.select(db.literal(f"{kind}:") + db.cast(model.id, db.String))
        db.session.execute(db.insert(SearchQueue).from_select(["key"], ids))
