"""Following challenges and solutions: who hears about what.

Following adds a member to an item's news; unfollowing takes them out of all of it, also what
they would hear as a voter or its author (a mute, forum/notifications), so "stop following" in a
mail or on the page means what it says.
"""

from forum.database import increment, insert_new
from forum.extensions import db
from forum.notifications.services import is_muted, set_muted
from forum.solutions.models import Follow


def _target(obj):
    return type(obj).__name__.lower(), obj.id


def is_following(user, obj):
    if not getattr(user, "is_authenticated", False):
        return False
    target_type, target_id = _target(obj)
    stmt = db.select(Follow.id).filter_by(user_id=user.id, target_type=target_type, target_id=target_id)
    return db.session.execute(stmt).first() is not None


def add_follow(user, obj):
    """Follow in the caller's transaction; following twice is following once."""
    target_type, target_id = _target(obj)
    if not insert_new(Follow, user_id=user.id, target_type=target_type, target_id=target_id):
        return False  # following already, or a concurrent request followed first
    increment(obj, "follower_count")
    return True


def remove_follow(user, obj):
    target_type, target_id = _target(obj)
    deleted = db.session.execute(
        db.delete(Follow).filter_by(user_id=user.id, target_type=target_type, target_id=target_id)
    ).rowcount
    if deleted:
        increment(obj, "follower_count", -deleted)
    return bool(deleted)


def set_following(user, obj, following):
    """Follow and hear about it, or stop following and hear nothing more of it; asking twice for
    the same is harmless."""
    if following:
        add_follow(user, obj)
    else:
        remove_follow(user, obj)
    set_muted(user, *_target(obj), muted=not following)


def hears_about(user, obj):
    """Whether the member's news includes this item (they have not stopped following it)."""
    return not is_muted(user, *_target(obj))


def follower_ids(*objs):
    """Ids of everyone following any of `objs`."""
    conditions = [db.and_(Follow.target_type == t, Follow.target_id == i) for t, i in map(_target, objs)]
    return set(db.session.execute(db.select(Follow.user_id).where(db.or_(*conditions))).scalars())
