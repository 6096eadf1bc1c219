"""Writing notifications (in the transaction of the event) and reading them."""

from sqlalchemy import update

from forum.accounts.models import User
from forum.clock import utcnow
from forum.database import get_or_raise
from forum.errors import NotFound
from forum.extensions import db
from forum.notifications.models import Notification
from forum.paging import keyset_page

PAGE_SIZE = 30


def notify(user_ids, kind, *, actor=None, challenge=None, solution=None, comment=None, detail=None):
    """Notify each user once, never the actor; part of the caller's transaction, so an event and
    its notifications are stored together or not at all."""
    recipients = sorted(set(user_ids) - {actor.id if actor is not None else None} - {None})
    if not recipients:
        return
    db.session.execute(
        db.insert(Notification),
        [
            {
                "user_id": user_id,
                "kind": kind,
                "actor_id": actor.id if actor is not None else None,
                "challenge_id": challenge.id if challenge is not None else None,
                "solution_id": solution.id if solution is not None else None,
                "comment_id": comment.id if comment is not None else None,
                "detail": detail,
                "created": utcnow(),
            }
            for user_id in recipients
        ],
    )
    db.session.execute(
        update(User).where(User.id.in_(recipients)).values(unread_notifications=User.unread_notifications + 1)
    )


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
    db.session.commit()


def mark_all_read(user):
    db.session.execute(
        update(Notification).where(Notification.user_id == user.id, Notification.read.is_(None)).values(read=utcnow())
    )
    user.unread_notifications = 0
    db.session.commit()


def _recount_unread(user):
    db.session.flush()
    user.unread_notifications = db.session.execute(
        db.select(db.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read.is_(None))
    ).scalar()
