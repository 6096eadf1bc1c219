"""The audit log: who did what to which object, when, before and after. A leaf every feature may
write to; it imports no feature (the entry names its actor and community by id)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.clock import utcnow
from forum.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None when the action came from the command line.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None]
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id", ondelete="SET NULL"), index=True)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    created: Mapped[datetime] = mapped_column(default=utcnow)

    actor = relationship("User")
    community = relationship("Community")


def record_action(actor, action, target, *, community=None, before=None, after=None):
    """Add an audit entry to the current transaction; the door's commit makes it durable."""
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
