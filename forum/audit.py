"""The audit log: who did what to which object, when, before and after. A leaf every feature may
write to; it imports no feature (the entry names its actor and community by id)."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.clock import utcnow
from forum.extensions import db

# What the audit page calls each action (the code stays beside it, for filters and scripts).
ACTION_LABELS = {
    "challenge.phase": _l("Moved a challenge to another phase"),
    "challenge.update": _l("Edited a challenge"),
    "comment.delete": _l("Deleted a comment"),
    "comment.edit": _l("Edited a comment"),
    "community.create": _l("Created a community"),
    "community.moderation": _l("Changed a community's moderation settings"),
    "community.update": _l("Edited a community"),
    "content.auto_hide": _l("Hidden after fans' reports"),
    "content.dismiss_flags": _l("Dismissed reports"),
    "content.hide": _l("Hid content"),
    "content.lock": _l("Locked a discussion"),
    "content.restore": _l("Restored content"),
    "content.unlock": _l("Unlocked a discussion"),
    "event.create": _l("Planned a prototype event"),
    "release.publish": _l("Published a release note"),
    "review.assign": _l("Assigned a reviewer"),
    "review.score": _l("Scored a solution"),
    "role.grant": _l("Granted a role"),
    "role.revoke": _l("Revoked a role"),
    "solution.edit": _l("Edited a solution"),
    "solution.status": _l("Changed a solution's status"),
    "solution.unmerge": _l("Undid a merge"),
    "user.email": _l("Changed an email address"),
    "user.password_reset_mail": _l("Mailed a password reset link"),
    "user.site_role": _l("Changed a site role"),
    "user.suspend": _l("Suspended a member in a community"),
    "user.suspend_everywhere": _l("Suspended a member everywhere"),
    "user.unsuspend": _l("Lifted a suspension in a community"),
    "user.unsuspend_everywhere": _l("Lifted a suspension everywhere"),
}


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

    @property
    def label(self):
        return ACTION_LABELS.get(self.action, self.action)


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
