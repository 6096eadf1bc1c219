"""Notifications: stored with the event that causes them, written for each recipient by the
consumer, and read by their owners."""

import json

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, update

from forum import jobs
from forum.accounts.models import User
from forum.clock import utcnow
from forum.database import get_or_raise, insert_new
from forum.errors import NotFound
from forum.extensions import db
from forum.notifications.models import Mute, Notification, NotificationOutbox
from forum.paging import keyset_page
from forum.transaction import unit_of_work

PAGE_SIZE = 30
# Recipients written per transaction: short enough that SQLite's write lock is never held long.
DELIVERY_BATCH = 1000
# What is said to one member alone reaches them even about an item they muted.
PERSONAL_KINDS = frozenset({"mention", "reply", "hidden", "seat"})


# name -> function(argument) returning user ids: audiences the consumer resolves (see notify).
AUDIENCES = {}


def audience(name):
    """Register a function that finds, from one id, whom an event tells (a solution's voters,
    followers and author): features register theirs, this module imports none of them."""

    def register(function):
        AUDIENCES[name] = function
        return function

    return register


def notify(
    user_ids, kind, *, actor=None, challenge=None, solution=None, comment=None, release=None, detail=None, audience=None
):
    """Tell each user once, never the actor. The event is stored in the caller's transaction (so
    it is told if and only if it happened) and the consumer writes the notifications after the
    commit. `audience` ((name, id), instead of `user_ids`) leaves finding the recipients to the
    consumer too: an idea with 20,000 voters keeps its door waiting for neither."""
    if audience is not None:
        name, argument = audience
        if name not in AUDIENCES:
            raise KeyError(f"unknown audience {name!r}")
        recipients, named = "", f"{name}:{int(argument)}"
    else:
        ids = sorted(set(user_ids) - {actor.id if actor is not None else None} - {None})
        if not ids:
            return
        recipients, named = json.dumps(ids), None
    db.session.add(
        NotificationOutbox(
            kind=kind,
            actor_id=actor.id if actor is not None else None,
            challenge_id=challenge.id if challenge is not None else None,
            solution_id=solution.id if solution is not None else None,
            comment_id=comment.id if comment is not None else None,
            release_id=release.id if release is not None else None,
            detail=detail,
            recipients=recipients,
            audience=named,
        )
    )
    jobs.after_commit("notifications.deliver")


@jobs.job("notifications.deliver", sweep=True)
def deliver():
    """Write the notifications of every stored event, a batch per transaction, oldest event first.

    Each batch moves the event's `delivered` count in the same transaction as its rows, so a
    consumer killed between batches leaves no gap and no repeat. Two consumers never write the
    same batch: each takes the event's row lock (PostgreSQL) or the write lock (SQLite) first."""
    while True:
        with unit_of_work():
            event = db.session.execute(
                db.select(NotificationOutbox)
                .where(NotificationOutbox.done.is_(False))
                .order_by(NotificationOutbox.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).scalar_one_or_none()
            if event is None:
                return
            _deliver_batch(event)


def _deliver_batch(event):
    if event.audience and not event.recipients:
        # Found once, in the transaction of the first batch: later batches go on from this list.
        name, argument = event.audience.split(":")
        found = set(AUDIENCES[name](int(argument))) - {event.actor_id, None}
        event.recipients = json.dumps(sorted(found))
    recipients = json.loads(event.recipients)
    batch = recipients[event.delivered : event.delivered + DELIVERY_BATCH]
    told = _unmuted(event, batch)
    if told:
        _write(event, told)
    event.delivered += len(batch)
    event.done = event.delivered >= len(recipients)


# Actors an entry remembers at most (it says "and N others" past them from its count alone).
ACTORS_KEPT = 50


def _write(event, batch):
    """One entry per recipient. A recipient's unread entry of the same kind on the same item is
    replaced by one that holds both, with a new id, so it comes first in the list and mail sees
    it as new; the badge counts it once."""
    now = utcnow()
    same = db.session.execute(
        db.select(Notification.id, Notification.user_id, Notification.count, Notification.actor_ids).where(
            Notification.user_id.in_(batch),
            Notification.read.is_(None),
            Notification.kind == event.kind,
            _same(Notification.challenge_id, event.challenge_id),
            _same(Notification.solution_id, event.solution_id),
            _same(Notification.release_id, event.release_id),
        )
    ).all()
    earlier, replaced = {}, {}
    for row in same:
        earlier[row.user_id] = row
        replaced[row.user_id] = replaced.get(row.user_id, 0) + 1
    if same:
        db.session.execute(delete(Notification).where(Notification.id.in_([row.id for row in same])))
    rows = []
    for user_id in batch:
        before = earlier.get(user_id)
        actors = json.loads(before.actor_ids or "[]") if before else []
        if event.actor_id is not None:
            actors = [event.actor_id, *(a for a in actors if a != event.actor_id)][:ACTORS_KEPT]
        rows.append(
            {
                "user_id": user_id,
                "kind": event.kind,
                "actor_id": event.actor_id,
                "challenge_id": event.challenge_id,
                "solution_id": event.solution_id,
                "comment_id": event.comment_id,
                "release_id": event.release_id,
                "detail": event.detail,
                "created": now,
                "count": (before.count if before else 0) + 1,
                "actor_ids": json.dumps(actors),
            }
        )
    db.session.execute(db.insert(Notification), rows)
    # The badge: one more for a new entry, none for one that replaced its predecessor (fewer if
    # it replaced several, left from before entries were grouped).
    by_change = {}
    for user_id in batch:
        by_change.setdefault(1 - replaced.get(user_id, 0), []).append(user_id)
    for change, user_ids in by_change.items():
        if change:
            db.session.execute(
                update(User)
                .where(User.id.in_(user_ids))
                .values(unread_notifications=User.unread_notifications + change)
            )


def _unmuted(event, batch):
    """The batch without those who muted the event's item (the idea, else the challenge)."""
    if not batch or event.kind in PERSONAL_KINDS:
        return batch
    target = _item(event.solution_id, event.challenge_id)
    if target is None:
        return batch
    muted = set(
        db.session.execute(
            db.select(Mute.user_id).where(
                Mute.target_type == target[0], Mute.target_id == target[1], Mute.user_id.in_(batch)
            )
        ).scalars()
    )
    return [user_id for user_id in batch if user_id not in muted]


def _item(solution_id, challenge_id):
    if solution_id is not None:
        return "solution", solution_id
    if challenge_id is not None:
        return "challenge", challenge_id
    return None


def set_muted(user, target_type, target_id, muted):
    """Hear no more about an item, or again; asking twice for the same is harmless."""
    if muted:
        insert_new(Mute, user_id=user.id, target_type=target_type, target_id=target_id)
    else:
        db.session.execute(delete(Mute).filter_by(user_id=user.id, target_type=target_type, target_id=target_id))


def is_muted(user, target_type, target_id):
    stmt = db.select(Mute.id).filter_by(user_id=user.id, target_type=target_type, target_id=target_id)
    return db.session.execute(stmt).first() is not None


FOLLOW_SALT = "follow-from-mail"


def follow_token(user_id, target_type, target_id):
    """The credential of a mail's "stop hearing about this" link: whose, and which item."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=FOLLOW_SALT).dumps(
        [user_id, target_type, target_id]
    )


def read_follow_token(token):
    """(member, target type, target id) a follow link names, or None for a forged one. It does not
    expire: an old mail's link must still stop the news."""
    try:
        user_id, target_type, target_id = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=FOLLOW_SALT).loads(
            token or ""
        )
    except (BadSignature, ValueError, TypeError):
        return None
    if target_type not in ("challenge", "solution") or not all(
        isinstance(i, int) and 0 < i < 2**31 for i in (user_id, target_id)
    ):
        return None
    user = db.session.get(User, user_id)
    return (user, target_type, target_id) if user is not None else None


def _same(column, value):
    return column.is_(None) if value is None else column == value


def notifications_for(user, cursor=None):
    stmt = (
        db.select(Notification)
        .where(Notification.user_id == user.id)
        .options(
            db.joinedload(Notification.actor),
            db.joinedload(Notification.challenge),
            db.joinedload(Notification.solution),
        )
    )
    return keyset_page(stmt, [Notification.id], cursor, PAGE_SIZE)


def get_notification_for(user, notification_id):
    """Raises NotFound, also for someone else's notification."""
    notification = get_or_raise(Notification, id=notification_id)
    if notification.user_id != user.id:
        raise NotFound(Notification.not_found_message)
    return notification


def mark_read(user, notification):
    if notification.read is None:
        notification.read = utcnow()
        _recount_unread(user)


def mark_all_read(user):
    db.session.execute(
        update(Notification).where(Notification.user_id == user.id, Notification.read.is_(None)).values(read=utcnow())
    )
    user.unread_notifications = 0


def _recount_unread(user):
    db.session.flush()
    user.unread_notifications = db.session.execute(
        db.select(db.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read.is_(None))
    ).scalar()
