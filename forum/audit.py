"""The audit log: who did what to which object, when, before and after. A leaf every feature may
write to; it imports no feature (the entry names its actor and community by id).

An action no person took in the forum names what started it instead (`cause`): fans' reports
reaching a community's threshold, a campaign's deadline, the command line."""

import contextvars
from contextlib import contextmanager
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String
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
    "event.attendance": _l("Marked who came to an event"),
    "event.create": _l("Planned a prototype event"),
    "release.publish": _l("Published a release note"),
    "review.assign": _l("Assigned a reviewer"),
    "review.score": _l("Scored a solution"),
    "role.grant": _l("Granted a role"),
    "role.revoke": _l("Revoked a role"),
    "solution.edit": _l("Edited a solution"),
    "solution.merge": _l("Merged a duplicate into another solution"),
    "solution.status": _l("Changed a solution's status"),
    "solution.unmerge": _l("Undid a merge"),
    "user.email": _l("Changed an email address"),
    "webhook.create": _l("Added a webhook"),
    "webhook.delete": _l("Removed a webhook"),
    "webhook.enable": _l("Turned a disabled webhook back on"),
    "user.password_reset_mail": _l("Mailed a password reset link"),
    "user.site_role": _l("Changed a site role"),
    "user.suspend": _l("Suspended a member in a community"),
    "user.suspend_everywhere": _l("Suspended a member everywhere"),
    "user.unsuspend": _l("Lifted a suspension in a community"),
    "user.unsuspend_everywhere": _l("Lifted a suspension everywhere"),
}

# What can start an action without a person: the `cause` of an entry whose actor is None.
REPORTS, DEADLINE, COMMAND_LINE = "reports", "deadline", "command_line"
CAUSES = (REPORTS, DEADLINE, COMMAND_LINE)
# Set by a door that acts for nobody in particular (a command): entries it writes say so.
_cause = contextvars.ContextVar("audit_cause", default=None)


@contextmanager
def started_by(cause):
    """Entries recorded without an actor inside the block name `cause` as what started them."""
    if cause not in CAUSES:
        raise ValueError(f"unknown cause {cause!r}")
    token = _cause.set(cause)
    try:
        yield
    finally:
        _cause.reset(token)


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"

    # The log is read newest first, filtered by one of these: each index ends with the id, so a
    # filtered page (keyset on id) reads its rows in order from the index, however deep it is.
    __table_args__ = (
        Index("ix_audit_entry_actor_id_id", "actor_id", "id"),
        Index("ix_audit_entry_action_id", "action", "id"),
        Index("ix_audit_entry_community_id_id", "community_id", "id"),
        Index("ix_audit_entry_cause_id", "cause", "id"),
        Index("ix_audit_entry_created", "created"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for an automatic action (see `cause`), or once the actor's account is gone.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # What started an action nobody took in the forum (one of CAUSES); None when a person did.
    cause: Mapped[str | None] = mapped_column(String(16))
    # How many fans' reports hid the content (cause "reports").
    cause_count: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None]
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id", ondelete="SET NULL"))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    created: Mapped[datetime] = mapped_column(default=utcnow)

    actor = relationship("User")
    community = relationship("Community")

    @property
    def label(self):
        return ACTION_LABELS.get(self.action, self.action)


def record_action(actor, action, target, *, community=None, before=None, after=None, cause=None, count=None):
    """Add an audit entry to the current transaction; the door's commit makes it durable. With no
    actor, `cause` (or the door's started_by()) says what started the action; `count` goes with
    cause "reports"."""
    if target.id is None:
        db.session.flush()  # a new object gets its id here, inside the same transaction
    if actor is not None:
        cause = None
    elif cause is None:
        cause = _cause.get()
    if cause is not None and cause not in CAUSES:
        raise ValueError(f"unknown cause {cause!r}")
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        cause=cause,
        cause_count=count if cause == REPORTS else None,
        action=action,
        target_type=type(target).__name__.lower(),
        target_id=target.id,
        community_id=community.id if community is not None else None,
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry
