"""Recording staff and admin actions in the audit log."""

from forum.extensions import db
from forum.moderation.models import AuditEntry


def record_action(actor, action, target, *, community=None, before=None, after=None):
    """Add an audit entry to the current transaction; the caller's commit makes it durable."""
    if target.id is None:
        db.session.flush()  # a new object gets its id here, inside the same transaction
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=type(target).__name__.lower(),
        target_id=target.id,
        community_id=community.id if community is not None else None,
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry
